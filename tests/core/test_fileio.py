import pytest

from w2s_helpers.core.fileio import DataError, atomic_path, read_jsonl, read_table, write_json


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "result.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_json_roundtrip(tmp_path):
    write_json(tmp_path / "a" / "r.json", {"acc": 0.5})
    assert (tmp_path / "a" / "r.json").read_text().strip().startswith("{")


def test_read_jsonl_names_file_line_and_field(tmp_path):
    p = tmp_path / "rows.jsonl"
    p.write_text('{"id": 1, "text": "a"}\n{"id": 2, "text": \n')
    with pytest.raises(DataError, match=r"rows\.jsonl: line 2: not valid JSON"):
        read_jsonl(p)
    p.write_text('{"id": 1, "text": "a"}\n{"id": 2}\n')
    with pytest.raises(DataError, match=r"rows\.jsonl: line 2: missing field\(s\) \['text'\]"):
        read_jsonl(p, ["id", "text"])


def test_read_table_csv_missing_column(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("sentence,label\nhello,1\n")
    with pytest.raises(DataError, match=r"d\.csv: line 2: missing field\(s\) \['text'\]"):
        read_table(p, ["text", "label"])


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match="nope.jsonl: no such file"):
        read_jsonl(tmp_path / "nope.jsonl")
