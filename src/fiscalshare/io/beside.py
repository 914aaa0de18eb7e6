"""Work run in a thread beside the caller, for the steps that let go of the GIL (Arrow's
parsing and hashing, hashlib): the result, or the exception, comes back to the caller."""

from __future__ import annotations

import threading


class Beside:
    """``function(*args)`` started in a daemon thread; ``result()`` waits for it."""

    def __init__(self, function, *args, name: str = "beside"):
        self._outcome: tuple[bool, object] | None = None

        def run():
            try:
                self._outcome = (True, function(*args))
            except BaseException as exc:  # handed to the caller, which raises it
                self._outcome = (False, exc)

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        done, value = self._outcome
        if not done:
            raise value
        return value


class Handoff:
    """A value one thread gives another, which waits for it (None: nothing will come)."""

    def __init__(self):
        self._given = threading.Event()
        self._value = None

    def give(self, value) -> None:
        """The first value given is the one taken."""
        if not self._given.is_set():
            self._value = value
            self._given.set()

    def take(self):
        self._given.wait()
        return self._value
