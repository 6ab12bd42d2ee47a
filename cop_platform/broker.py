"""Handing work to a Celery worker from a request (or a beat job that hands over many): one rule for a broker
that is down or hung.

A hand-off that fails waits out the broker's timeouts first (2-3 s; settings: CELERY_BROKER_TRANSPORT_OPTIONS).
Once one has failed, this process does not try another for BROKER_PAUSE seconds: an admin action over twenty
accounts, or an event cancelled for a hundred members, would otherwise hang for a minute and more, past the
server's timeout. Every caller keeps what it handed over somewhere a sweep finds it (the outbox, a waiting
deletion, a queued report), or does the work itself."""

import logging
import time

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_PAUSE = 30.0
_paused_until = 0.0  # time.monotonic() until which hand-offs are not tried


def paused() -> bool:
    return time.monotonic() < _paused_until


def hand_over(task, *args, even_if_paused: bool = False) -> bool:
    """`task.delay(*args)`; False when the broker did not take it (or, within BROKER_PAUSE of a failure, was not
    asked: `even_if_paused` asks all the same, to find out whether it is back)."""
    global _paused_until
    if not even_if_paused and paused():
        return False
    try:
        task.delay(*args)
    except (OperationalError, OSError) as error:  # refused, timed out, hung, out of memory; a task's own bug is raised
        _paused_until = time.monotonic() + BROKER_PAUSE
        logger.warning("Broker unavailable (%s): %s%r not handed over", error, task.name, args)
        return False
    _paused_until = 0.0
    return True
