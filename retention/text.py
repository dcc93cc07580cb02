"""What text the desk accepts: no control characters but tab and line breaks.

PostgreSQL cannot store NUL, and nothing on the desk has a use for the other C0 and C1
controls; they only hide text or break exports.
"""

import re

# C0 controls, DEL and C1 controls, but tab, line feed and carriage return (multi-line text).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a URL, a query or a cookie nothing needs even those.
CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
