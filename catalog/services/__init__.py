"""The catalog workspace's writes: `items` (save, publish, retire, reactivate, delete, order),
`versions` (every change a version; restore; compare), `scheduled` (product changes from a
date), `imports` (the offer CSV), `kinds` (what the workspace edits)."""
