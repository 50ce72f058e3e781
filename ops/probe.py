"""The web container's health probe: GET /healthz on the local server, exit 0 on 200.

`python -m ops.probe`. It names a host the application accepts (the first of
ALLOWED_HOSTS) and needs nothing but the standard library, so it starts fast.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed http URL
            sys.stdout.write(response.read().decode() + "\n")
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:
        sys.stdout.write(f"{error.code} {error.read().decode()}\n")
    except OSError as error:
        sys.stdout.write(f"{error}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
