"""Reusable pieces of the Streamlit console: the connection to the tenant's backend, error display, secret fields,
provider forms, the template editor with its live preview, the sandboxed mail view and the test-send log.

They talk to the backend only through the typed client of ``mailconsole``; the one exception is
``connection``, which may start the embedded service when no remote backend is configured.
"""
