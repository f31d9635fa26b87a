"""Load and failure tests against a production-like stack on this machine (loopback only).

`loadtest.stack.Stack` starts nginx in front of gunicorn app servers and the task worker, as
deploy/ describes; `python -m loadtest.faults` kills and restarts parts of it while clients save.
"""
