"""``model.unused_scipy``: Pyomo no longer loads scipy.stats, integrate and spatial on import,
and any code that does use them still gets the real modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    """``code`` in a fresh interpreter (the stand-ins exist only before a module is loaded)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def test_a_solve_through_pyomo_leaves_the_unused_modules_unloaded():
    out = _run("""
        import sys
        from fiscalshare.config import load_config
        from fiscalshare.examples.synthetic import generate
        from fiscalshare.io.dataset import build_inputs
        from fiscalshare.model import build
        from fiscalshare.model.unused_scipy import UNUSED

        form = build(build_inputs(generate(4, 3, 2, 1)), load_config("default"),
                     keep_pyomo=True)
        assert "pyomo.environ" in sys.modules and form.matrix.nnz > 0
        print(" ".join(type(sys.modules[name]).__name__ for name in UNUSED))
    """)
    assert out == "_StandIn _StandIn _StandIn"


def test_the_real_modules_come_at_their_first_use_in_every_way_they_are_asked_for():
    out = _run("""
        import sys
        import fiscalshare.model
        import pyomo.environ
        import scipy
        import scipy.stats
        assert type(sys.modules["scipy.stats"]).__name__ == "_StandIn"
        print(scipy.stats.norm.cdf(0.0))                 # a name of the stand-in
        assert type(sys.modules["scipy.stats"]).__name__ == "module"
        assert scipy.stats is sys.modules["scipy.stats"]  # the package holds the real one
        from scipy.integrate import quad                  # from-import of a stand-in
        print(round(quad(lambda x: x, 0.0, 2.0)[0], 12))
        import scipy.spatial.distance                     # a submodule of a stand-in
        print(scipy.spatial.distance.euclidean([0, 0], [3, 4]))
        print(type(sys.modules["scipy.spatial"]).__name__)
    """)
    assert out.split() == ["0.5", "2.0", "5.0", "module"]
