"""What a run of the load measured, and the arithmetic over it: percentiles, throughput,
CPU per turn from /proc, and the hub's overhead."""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TARGET_OVERHEAD = 0.10


@dataclass
class PhaseResult:
    """One run of the load over one path."""

    path: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # per service, this run

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


@dataclass
class Summary:
    path: str
    turns: int
    errors: dict[str, int]
    p50: float
    p95: float
    p99: float
    mean: float
    throughput: float
    run_p95: list[float] = field(default_factory=list)
    cpu_per_turn: dict[str, float] = field(default_factory=dict)  # seconds, per service

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(path: str, phases: list[PhaseResult]) -> Summary:
    latencies = [value for phase in phases for value in phase.latencies]
    errors: dict[str, int] = {}
    for phase in phases:
        for kind, count in phase.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    wall = sum(phase.wall_seconds for phase in phases)
    return Summary(
        path=path,
        turns=len(latencies),
        errors=errors,
        p50=percentile(latencies, 0.50),
        p95=percentile(latencies, 0.95),
        p99=percentile(latencies, 0.99),
        mean=sum(latencies) / len(latencies) if latencies else float("nan"),
        throughput=len(latencies) / wall if wall else 0.0,
        run_p95=[percentile(phase.latencies, 0.95) for phase in phases],
        cpu_per_turn={
            name: sum(phase.cpu_seconds.get(name, 0.0) for phase in phases) / len(latencies)
            for name in sorted({name for phase in phases for name in phase.cpu_seconds})
        } if latencies else {},
    )


CpuProbe = Callable[[], "dict[str, float]"]


def process_cpu_seconds(pids: dict[str, int]) -> CpuProbe:
    """CPU time (user + system) each named process has used so far, from /proc.

    Load from other work makes latencies noisy; the CPU a process spends per turn does not
    depend on it, so it says what each part costs.
    """
    ticks = os.sysconf("SC_CLK_TCK")

    def probe() -> dict[str, float]:
        used = {}
        for name, pid in pids.items():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[name] = (int(fields[11]) + int(fields[12])) / ticks
        return used

    return probe


def machine_cpu_seconds() -> float:
    """Core-seconds all the machine's CPUs have spent busy so far (/proc/stat: user, nice,
    system, irq, softirq, steal), whatever ran: the stack, the benchmark's own residents,
    PostgreSQL, anything else. Over a level, against its seconds x the cores, it says how
    near the machine itself was to full."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU (user + system) this process has used: the simulated residents' side."""
    used = os.times()
    return used.user + used.system


def cpu_overhead(rasa: Summary, hub: Summary) -> float | None:
    """Extra CPU per turn through the hub, as a share of the CPU of a turn straight to Rasa."""
    direct, through = sum(rasa.cpu_per_turn.values()), sum(hub.cpu_per_turn.values())
    return through / direct - 1 if direct and through else None


def overhead_at_p95(rasa: Summary, hub: Summary) -> float:
    return hub.p95 / rasa.p95 - 1 if rasa.p95 else float("nan")


def ms(seconds: float) -> str:
    """A latency as every report and progress line shows it."""
    return f"{seconds * 1000:,.0f} ms"


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        found = []
        for task in tasks:
            text = (task / "children").read_text().split()
            found += [int(child) for child in text]
        return found
    except OSError:
        return []


def rss_bytes(pids: Sequence[int]) -> int:
    """Resident memory of these processes and all their descendants, from /proc (RSS counts
    pages shared between processes once per process, so it is an upper bound)."""
    total, seen, pending = 0, set(), list(pids)
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
        pending += _children(pid)
    return total
