"""Configuration as code: a tenant's email configuration as files (``export``), what applying them would change
(``plan``) and applying it (``apply``), for the ``mailconsole`` command and the console alike.

    files     the layout and the stable YAML of the files; the zip the console offers
    export    backend state -> files (secrets as ${VAR} references, never their values)
    desired   files -> the API's models, every fault by file and line
    plan      desired vs. stored, field by field, with the versions planned against
    apply     the API's own checks before anything is written, then the writes
    backends  --tenant / MAILCONSOLE_* / --data-dir, as the console configures tenants
    commands  the command-line front (argparse)
"""
