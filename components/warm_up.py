"""Imports the other pages need, done in the background once the first page is drawn: on a fresh start the first
page then does not wait for pandas and pyarrow (tables), and the next page finds them loaded. (Not the modules that
declare components, code_editor and email_preview: streamlit-ace's editor, declared in this thread outside a script
run, no longer showed in Chromium.)"""

from __future__ import annotations

import importlib
import threading

MODULES = ("pandas", "pyarrow")
_lock = threading.Lock()
_started = False


def warm_up_later() -> None:
    """Start the background imports, once per process."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_import_all, name="mailconsole-warm-up", daemon=True).start()


def _import_all() -> None:
    for name in MODULES:
        importlib.import_module(name)
