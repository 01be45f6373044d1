"""The Python package against the command line and its own promises.

Run from the repository root after installing the wheel: ``pytest python/tests``. The
CLI comparisons need the release binary (``cargo build --release``), or its path in
``CORRIDOR_BIN``.
"""

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import corridor

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "scenarios" / "mmc_port.toml"
TWO_PORTS = ROOT / "tests" / "common" / "plan_two_ports.toml"
CORRIDOR = ROOT / "scenarios" / "middle_corridor.toml"


def cli(*args):
    """The CLI's JSON document for `args` (with `--json -`)."""
    binary = os.environ.get("CORRIDOR_BIN", str(ROOT / "target" / "release" / "corridor"))
    if not Path(binary).exists():
        pytest.fail(f"no corridor binary at {binary}: run `cargo build --release` or set CORRIDOR_BIN")
    out = subprocess.run([binary, *args, "--json", "-"], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def without_timing(document):
    """A run's document without what depends on the machine (wall time, threads)."""
    return {k: v for k, v in document.items() if k not in ("wall_seconds", "threads")}


def test_a_run_gives_the_clis_numbers_bit_for_bit():
    python = corridor.load(MMC).run(replications=6, seed=11, threads=1)
    command_line = cli("run", str(MMC), "--replications", "6", "--seed", "11", "--threads", "2")
    assert without_timing(python) == without_timing(command_line)
    assert python["variants"][0]["stability"]["verdict"] == "stable"


def test_a_comparison_of_variants_gives_the_clis_paired_differences():
    s = corridor.load(CORRIDOR)
    python = s.compare(base="baseline", variants=["transit_surge"], replications=3, seed=5)
    command_line = cli(
        "compare", str(CORRIDOR), "--base", "baseline", "--variant", "transit_surge", "--replications", "3", "--seed", "5"
    )
    assert without_timing(python) == without_timing(command_line)
    [comparison] = python["comparisons"]
    assert (comparison["base"], comparison["variant"]) == ("baseline", "transit_surge")
    assert comparison["kpis"], "a comparison carries paired differences"


def test_a_capacity_search_gives_the_clis_answer():
    criterion = "port.port.ship_wait_hours.mean <= 8"
    python = corridor.load(MMC).capacity([criterion], replications=5, seed=3, resolution=0.05)
    command_line = cli("capacity", str(MMC), "--criterion", criterion, "--replications", "5", "--seed", "3",
                       "--resolution", "0.05")
    assert python == command_line
    [answer] = python["answers"]
    assert 1.0 < answer["factor"] < 1.5, answer["factor"]


def test_a_plan_search_gives_the_clis_plan():
    python = corridor.load(TWO_PORTS).plan(["port.b.ship_wait_hours.mean <= 3"], best=2, seed=9)
    command_line = cli("plan", str(TWO_PORTS), "--criterion", "port.b.ship_wait_hours.mean <= 3", "--best", "2",
                       "--seed", "9")
    strip = lambda d: {k: v for k, v in d["plan"].items() if k != "seconds"}
    assert strip(python) == strip(command_line)
    best = python["plan"]["best"]
    assert best and best[0]["evaluation"]["feasible"]
    assert python.to_frame()["cost"].is_monotonic_increasing or len(best) >= 1


def test_a_dict_is_the_same_scenario_as_its_file():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    data = tomllib.loads(MMC.read_text())
    from_dict = corridor.from_dict(data).run(replications=3, seed=2)
    from_file = corridor.load(MMC).run(replications=3, seed=2)
    assert from_dict["variants"] == from_file["variants"]


def test_results_become_data_frames():
    r = corridor.load(MMC).run(replications=3, seed=1, kpis=["port.*"])
    frame = r.to_frame()
    row = frame.loc[("base", "port.port.ship_wait_hours.mean")]
    assert row["mean"] == r.kpi("base", "port.port.ship_wait_hours.mean")["mean"]
    assert row["ci95_low"] <= row["mean"] <= row["ci95_high"]
    assert set(frame.index.get_level_values("variant")) == {"base"}


def test_a_scenario_error_carries_file_line_column_and_field():
    text = MMC.read_text().replace("count = 3", "count = -3", 1)
    assert text != MMC.read_text(), "the scenario changed: adjust the test"
    with pytest.raises(corridor.ScenarioError) as error:
        corridor.from_toml(text, "bad.toml")
    message = str(error.value)
    assert message.startswith("bad.toml:"), message
    assert "count" in message, message
    with pytest.raises(corridor.ScenarioError) as error:
        corridor.from_toml("[scenario\nname = 'x'", "broken.toml")
    assert "broken.toml:1:" in str(error.value)


def test_a_dict_error_names_the_path_of_the_value():
    with pytest.raises(corridor.ScenarioError) as error:
        corridor.from_dict({"scenario": {"name": "x", "seed": object()}})
    assert "scenario.seed" in str(error.value)


def test_settings_errors_name_what_is_valid():
    s = corridor.load(CORRIDOR)
    with pytest.raises(corridor.SettingsError) as error:
        s.run(variants=["basline"], replications=2)
    assert "baseline" in str(error.value), "the nearest variant is suggested"
    with pytest.raises(corridor.SettingsError):
        corridor.load(MMC).capacity(["port.port.no_such_kpi <= 3"], replications=2)
    with pytest.raises(corridor.SettingsError):
        corridor.load(MMC).run(replications=0)
    assert issubclass(corridor.SettingsError, corridor.CorridorError)


def test_progress_is_reported_and_a_failing_callback_stops_the_run():
    seen = []
    corridor.load(MMC).run(replications=4, seed=1, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (4, 4), seen

    def fail(*_):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        corridor.load(MMC).run(replications=200, seed=1, progress=fail)


def test_ctrl_c_interrupts_a_run_cleanly():
    s = corridor.load(CORRIDOR)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        s.run(replications=1000, seed=1)
    took = time.monotonic() - started
    # 1000 replications of 18 variants take many minutes; an interrupt waits only for
    # the replications under way.
    assert took < 60, took
    # The package still works afterwards.
    assert corridor.load(MMC).run(replications=2, seed=1)["replications"] == 2


def test_ctrl_c_interrupts_a_plan_search():
    s = corridor.load(ROOT / "scenarios" / "middle_corridor_2030.toml")
    timer = threading.Timer(2.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        s.plan(["port.baku.ship_wait_hours.p95 <= 24"], criteria_from=2027)
    assert time.monotonic() - started < 120
