"""The console's typed core: what the Streamlit console knows without drawing (no Streamlit import here).

- ``tenants``: which tenants there are and how they are configured; ``ConsoleSettings``.
- ``session``: one browser session's ``Connection`` to a tenant, and what it has read of it.
- ``provider_form`` and ``secret_fields``: the provider settings form, from what was typed to the request.
- ``drafts``: the template being edited and its live preview.
- ``saving``: ``save_checked``, the version-checked save both editors use, and what a ``Conflict`` shows.
- ``access``: who may use the console.
- ``records``: the session's send log and the audit trail's rows.

The widgets in ``components/`` compose these; a rule the service enforces is called here, never rewritten.
"""
