"""A browser session's runs and its one play loop: play, pause, step, reset, with ready/busy/playing/finished.

Every command goes through one queue served by one thread per session, so two steps never run at once, a
rapid Play/Pause/Play never starts a second loop, and Reset (which empties the queue and stops playing) is
always the last thing done: a reset while playing ends at day 0. While a command is in flight the session is
busy and the page disables its step buttons; clicks that arrive then are dropped, not queued. Playing stops by
itself on the run's last day, which the run never steps past, and the session is then finished.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ihoabm.app.view import View
from ihoabm.app.worker import Runner, WorkerError

READY, BUSY, PLAYING, FINISHED = "ready", "busy", "playing", "finished"
PLAY_DAYS = 7          # a week per step while playing
MIN_PLAY_GAP_S = 0.25  # at least this long between steps while playing, so people can follow
SHOWN_TIMEOUT_S = 5.0  # step on if the page has not confirmed it showed the last view by then
MAX_UNSHOWN = 3        # ... but after this many unconfirmed steps in a row the page has gone: pause


class Session:
    """One page's runs in one browser session, and the single thread that drives them.

    Args:
        kind: "one" (the single-model page) or "paired" (the comparison page).
        spec: What to build first (see `OneRun.build` and `PairedRun.build`).
        options: The view's first options (tab, contract years only, ...).
        local: Run in this process rather than a worker (None: as `IHOABM_APP_WORKERS` says).
    """

    def __init__(self, kind: str, spec: dict[str, Any], options: dict[str, Any] | None = None,
                 local: bool | None = None) -> None:
        self._runner = Runner(kind, local)
        self._cond = threading.Condition()
        self._queue: deque[tuple[str, tuple[Any, ...]]] = deque()
        self._playing = False
        self._busy = False
        self._closed = False
        self._listeners: list[Callable[[], None]] = []
        self._shown_day = -1
        self.play_days = PLAY_DAYS
        self._unshown = 0
        self.error = ""
        self.view: View = self._runner.call("build", spec)
        if options:
            self.view = self._runner.call("view", options)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="ihoabm-session")
        self._thread.start()

    # --- what the page reads ----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """ready, busy (a command in flight), playing, or finished (the run is at its last day)."""
        with self._cond:
            if self._playing:
                return PLAYING
            if self._busy or self._queue:
                return BUSY
            return FINISHED if self.view.finished else READY

    @property
    def pid(self) -> int | None:
        """The worker process's id (None when local)."""
        return self._runner.pid

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` (from the session's thread) whenever the state or view changes; returns unsubscribe."""
        with self._cond:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._cond:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    def shown(self, day: int) -> None:
        """The page has shown the view of `day`: playing may take the next step."""
        with self._cond:
            self._shown_day = day
            self._cond.notify_all()

    # --- commands -------------------------------------------------------------------------------------
    def play(self) -> bool:
        """Start playing (a no-op when already playing or finished)."""
        with self._cond:
            if self._closed or self.view.finished:
                return False
            self._playing = True
            self._cond.notify_all()
        self._changed()
        return True

    def pause(self) -> None:
        """Stop playing after the step in flight."""
        with self._cond:
            self._playing = False
            self._cond.notify_all()
        self._changed()

    def set_play_days(self, days: int) -> None:
        """Days each step takes while playing (a week, a month)."""
        self.play_days = max(int(days), 1)
        self._changed()

    def toggle(self) -> None:
        """Play if paused, pause if playing."""
        with self._cond:
            playing = self._playing
        self.pause() if playing else self.play()

    def _submit(self, method: str, *args: Any, when_idle: bool = True) -> bool:
        with self._cond:
            if self._closed or when_idle and (self._busy or self._queue or self._playing):
                return False
            self._queue.append((method, args))
            self._busy = True
            self._cond.notify_all()
        self._changed()
        return True

    def step(self, days: int) -> bool:
        """Step `days` days, unless busy, playing or finished (then the click is dropped: returns False)."""
        if self.view.finished:
            return False
        return self._submit("step", days)

    def skip_burn_in(self) -> bool:
        """Jump to the day the new contracts start (paired runs), unless busy or playing."""
        return self._submit("skip_burn_in")

    def set_options(self, options: dict[str, Any]) -> None:
        """Change what the view shows (tab, contract years only, ...); applied after the step in flight."""
        self._submit("view", dict(options), when_idle=False)

    def reset(self, spec: dict[str, Any]) -> None:
        """Stop playing, drop anything queued, and build anew at day 0 from `spec`."""
        with self._cond:
            self._playing = False
            self._queue.clear()
            self._queue.append(("build", (spec,)))
            self._busy = True
            self._cond.notify_all()
        self._changed()

    def download(self, what: str) -> bytes:
        """A file of the runs as they are now (waits for any step in flight)."""
        return self._runner.call("download", what)

    def close(self) -> None:
        """Stop the loop and the worker."""
        with self._cond:
            self._closed = True
            self._playing = False
            self._queue.clear()
            self._listeners.clear()
            self._cond.notify_all()
        self._runner.close()

    # --- the loop -------------------------------------------------------------------------------------
    def _changed(self) -> None:
        with self._cond:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception:  # noqa: BLE001 - a page that has gone must not stop the session
                pass

    def _next(self) -> tuple[str, tuple[Any, ...]] | None:
        """Wait for the next command: a queued one first, else a week if playing. None when closed."""
        with self._cond:
            while True:
                if self._closed:
                    return None
                if self._queue:
                    command = self._queue.popleft()
                    self._busy = True
                    return command
                if self._playing and not self.view.finished:
                    self._busy = True
                    return "step", (self.play_days,)
                self._playing = False
                self._cond.wait()

    def _pace(self, since: float) -> None:
        """While playing, wait until the page has shown this day (or a timeout) and a minimum gap has passed."""
        deadline = time.monotonic() + SHOWN_TIMEOUT_S
        with self._cond:
            while self._playing and not self._closed and not self._queue:
                now = time.monotonic()
                shown = self._shown_day >= self.view.day
                if shown and now - since >= MIN_PLAY_GAP_S:
                    self._unshown = 0
                    return
                if now >= deadline:
                    # A closed tab keeps its session until Solara culls it; do not play on for nobody.
                    self._unshown += 1
                    if self._unshown >= MAX_UNSHOWN:
                        self._playing = False
                    return
                wait = MIN_PLAY_GAP_S - (now - since) if shown else deadline - now
                self._cond.wait(max(wait, 0.01))

    def _loop(self) -> None:
        while True:
            command = self._next()
            if command is None:
                return
            started = time.monotonic()
            method, args = command
            try:
                view = self._runner.call(method, *args)
                error = ""
            except WorkerError as exc:
                view, error = None, str(exc)
            with self._cond:
                if view is not None:
                    self.view = view
                self.error = error
                if error or self.view.finished:
                    self._playing = False
                self._busy = bool(self._queue)
            self._changed()
            self._pace(started)
