"""The API app's writes: keys, the book sync."""
