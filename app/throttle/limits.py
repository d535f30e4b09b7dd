"""A throttle's limit: a burst of attempts, refilled steadily over a period (`10/3h`)."""

import re
from dataclasses import dataclass

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LIMIT = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{0,9})\s*([smhd])\s*$")


@dataclass(frozen=True)
class Limit:
    """Up to `burst` attempts at once; the bucket then refills by `burst` every `period` seconds."""

    burst: int
    period: float

    @property
    def every(self) -> float:
        """Seconds until one more attempt is allowed once the burst is spent."""
        return self.period / self.burst

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """Read `BURST/PERIOD` where PERIOD is a number and a unit (s, m, h, d): `30/1h`, `20/1d`."""
        match = _LIMIT.match(text)
        if not match or int(match[1]) < 1 or match[2] == "0":
            raise ValueError(f"{text!r} is not a limit like 10/3h (attempts/period in s, m, h or d)")
        return cls(int(match[1]), int(match[2] or 1) * _UNITS[match[3]])
