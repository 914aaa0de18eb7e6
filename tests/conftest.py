"""What every test module shares."""

import signal

# A shell that starts the tests in the background (``make test &``) has them ignore SIGINT, and
# an ignored signal stays ignored in every program started from there: the tests that press
# Ctrl-C on a command would find it running on.  With Python's own handler back in place, the
# commands they start begin with SIGINT at its default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
