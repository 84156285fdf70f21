"""Paths given on the command line are taken from the shell's working directory."""

from pathlib import Path

from w2s_helpers.cli import main as cli


def test_relative_out_resolves_against_the_shell_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = {}
    monkeypatch.setattr(cli, "cmd_grid", lambda args: got.update(vars(args)))
    cli.main(["grid", "my.yaml", "--out", "results/mine"])
    assert got["out"] == tmp_path / "results" / "mine" and got["spec"] == tmp_path / "my.yaml"


def test_every_path_argument_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [
        "replay",
        "--dataset",
        "q.jsonl",
        "--split",
        "s",
        "--weak-rows",
        "w.jsonl",
        "--strong-rows",
        "x.jsonl",
    ]
    args = cli.from_shell_cwd(cli.parser().parse_args(argv))
    assert args.dataset == str(tmp_path / "q.jsonl")
    assert (args.split, args.weak_rows, args.strong_rows) == (
        tmp_path / "s",
        tmp_path / "w.jsonl",
        tmp_path / "x.jsonl",
    )
    assert (
        cli.from_shell_cwd(
            cli.parser().parse_args(["replay", "--dataset", "gsm8k", "--weak-rows", "w"])
        ).dataset
        == "gsm8k"
    )


def test_run_grid_receives_an_absolute_root(tmp_path, monkeypatch):
    import w2s_helpers.grid.engine as engine
    from w2s_helpers.cli import pipelines

    monkeypatch.chdir(tmp_path)
    seen = {}
    monkeypatch.setattr(pipelines, "read_spec", lambda path: (None, type("S", (), {"name": "g"})()))
    monkeypatch.setattr(engine, "run_grid", lambda flow, spec, root, papermill: seen.setdefault("root", root))
    cli.main(["grid", "my.yaml", "--out", "results/mine"])
    assert seen["root"] == tmp_path / "results" / "mine" and Path(seen["root"]).is_absolute()
