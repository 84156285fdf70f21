"""Every numbered notebook runs headless through papermill with smoke parameters, and the
metrics it records are checked."""

from w2s_helpers.notebooks import notebook_metrics, run_notebook


def test_00_zoo_notebook(tmp_path):
    out = run_notebook(
        "00",
        tmp_path,
        {
            "models": ["tiny-random-bert", "tiny-random-llama"],
            "classification_tasks": ["movie_polarity"],
            "math_tasks": ["gsm8k"],
            "out_dir": str(tmp_path),
        },
    )
    assert out.exists()
    m = notebook_metrics(out)
    assert [r["model"] for r in m["models"]] == ["tiny-random-bert", "tiny-random-llama"]
    assert m["classification"][0]["train"] == 3193
    assert m["math"][0]["test"] == 1319
