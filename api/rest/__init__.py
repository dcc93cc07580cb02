"""The REST framework's plumbing for the desk's API, named by dotted path in settings:
keys and scopes (`auth`), per-key rate limits (`throttling`), problem details for every error
(`errors`), a parser that refuses what the desk cannot store (`parsers`), keyset pages by
updated time (`pagination`), and the base view every endpoint uses (`views`)."""
