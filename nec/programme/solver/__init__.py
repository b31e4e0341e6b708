"""The programme solver: plain data in (an `Instance`), an assignment of sessions to rooms and times out.

A package apart from the web application: it imports no Flask and nothing of `nec` outside itself, so
that the CLI, the benchmarks and the tests use it on plain data. Its public API, by module:

- `instance`: `Instance` and its parts (`Day`, `Break`, `SolverRoom`, `SolverSession`, `Speaker`, `Window`,
  `Pin`, `Assignment`), `load_instance`, `instance_from_dict`, `InstanceError`;
- `solve`: `solve(instance, ...) -> Result`, `Weights`, `Progress`, `score`, `TERMS`, `TERM_LABELS`,
  `result_to_dict`, `summary_lines`, `run_file`, `main` (`python -m nec.programme.solver.solve`);
- `checker`: `check`, `check_output`, `count_by_kind`, `Violation`: an independent check of a result.
"""

from . import checker, instance, solve

__all__ = ["checker", "instance", "solve"]
