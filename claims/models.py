# The 7-step claim workflow lands here (see the claims issue); the app exists so the
# layout, settings and migrations are in place from the start.
