"""The topic panels, each built the first time it is needed.

Building every panel at start-up cost most of the 4.6–5.8 s from ``main.py`` to a painted window:
58 plot widgets, and the engines' imports (torch among them).  A panel is built when its dock is
first shown or when code asks for it (``panels["rope"]``); iterating (``items``, ``values``) sees
only the panels built so far, so saving, restyling and closing never build one for nothing.
"""
from __future__ import annotations

from typing import Callable, Iterator, Mapping


class LazyPanels(Mapping):
    def __init__(self, topics, build: Callable[[str], object]):
        self._topics, self._build, self._built = tuple(topics), build, {}
        self.closed = False

    def __getitem__(self, topic: str):
        if topic not in self._topics:
            raise KeyError(topic)
        if topic not in self._built:
            if self.closed:
                raise KeyError(f"{topic}: the window is closing, no panel is built any more")
            self._built[topic] = self._build(topic)
        return self._built[topic]

    def close(self) -> None:
        """The window is closing: the panels built so far are all there will be."""
        self.closed = True

    def __contains__(self, topic) -> bool:
        return topic in self._topics

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._built))

    def __len__(self) -> int:
        return len(self._built)

    def is_built(self, topic: str) -> bool:
        return topic in self._built

    @property
    def topics(self) -> tuple[str, ...]:
        return self._topics
