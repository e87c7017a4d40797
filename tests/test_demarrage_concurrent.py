"""Several processes starting together on an empty store (a deployment's replicas, `serve`
next to `dude send`): each creates what it needs; none fails on the other's creation."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from application.magasin.persistance import Base

DEMARRER = """
import sys, time
depart = float(sys.argv[2])
while time.time() < depart:
    time.sleep(0.001)
from application.magasin.persistance import base_depuis_url
from cotraitance.racine import assembler, construire_application
base = base_depuis_url(sys.argv[1])
app = construire_application(base)
service = assembler(base, app)
service.close()
"""


def test_des_processus_qui_demarrent_ensemble_sur_une_base_vide_demarrent_tous(
    base: Base,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COTRAITANCE_")}
    for _ in range(3):  # a race: several chances to meet it
        depart = time.time() + 2.0  # after the imports, all at once
        processus = [
            subprocess.Popen(
                [sys.executable, "-c", DEMARRER, base.url, str(depart)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(4)
        ]
        sorties = [p.communicate(timeout=60)[0] for p in processus]
        assert [p.returncode for p in processus] == [0] * 4, "\n".join(sorties)
