"""The webhook screens of the desk: endpoints, secrets, the delivery log, replays."""
