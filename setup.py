"""Build hook (the metadata is in setup.cfg): the wheel ships the top-level ``templates/``
folder inside the ``web`` package, as ``web/templates/``, where the installed app finds it.
The folder stays at the top of the repository, where an editable install reads it."""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            here = os.path.dirname(os.path.abspath(__file__))
            shutil.copytree(os.path.join(here, "templates"),
                            os.path.join(self.build_lib, "web", "templates"), dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithTemplates})
