"""``python -m resolvers.open_data export``: the package written whole, with progress, or
nothing (a failure leaves the previous package as it was)."""

from pathlib import Path

import frictionless
import pytest
from sqlalchemy import Engine

from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from resolvers.open_data import __main__ as cli
from resolvers.open_data.package import FILES, Package
from tests.test_open_data import SPRING_2020, errors_of


def test_export_writes_the_package(
    seeded_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    target = tmp_path / "package"
    argv = ["--database-url", url, "export", str(target), "--as-of", "2020-01-01", "--lang", "fr"]
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines[2:12]] == [
        f"[{n}/10] {name}" for n, name in enumerate(FILES, start=1)
    ]
    assert sorted(path.name for path in target.iterdir()) == sorted(FILES)
    assert errors_of(frictionless.validate(str(target / "datapackage.json"))) == []
    dataset = read_in_memory(Database(seeded_engine))
    assert (target / "offices.csv").read_bytes() == Package(dataset, SPRING_2020, "fr").file(
        "offices.csv"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package"]  # no staging left


def test_a_failed_export_leaves_the_previous_package_whole(
    seeded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    target = tmp_path / "package"
    assert cli.main(["--database-url", url, "export", str(target), "--as-of", "all"]) == 0
    before = {path.name: path.read_bytes() for path in target.iterdir()}
    real_file = Package.file

    def failing(self: Package, name: str) -> bytes:
        if name == "sources.csv":
            raise OSError("disk full")
        return real_file(self, name)

    monkeypatch.setattr(Package, "file", failing)
    with pytest.raises(OSError, match="disk full"):
        cli.main(["--database-url", url, "export", str(target), "--as-of", "2020-01-01"])
    assert {path.name: path.read_bytes() for path in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package"]


def test_export_refuses_a_database_without_a_dataset(
    empty_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    assert cli.main(["--database-url", url, "export", str(tmp_path / "package")]) == 1
    assert capsys.readouterr().err == (
        "the database holds no dataset: run `python -m db load` first\n"
    )
    assert list(tmp_path.iterdir()) == []
