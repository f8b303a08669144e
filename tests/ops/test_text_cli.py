"""`arabic-llm text ...`: UTF-8 filters on stdin/stdout, configured like the pipeline."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_llm.ops import text_cli
from arabic_nlp.dialect import DIALECTS, DialectTagger

ROOT = Path(__file__).resolve().parents[2]


def run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """Run a command in-process with ``stdin`` as standard input; returns (status, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    status = text_cli.main(argv)
    return status, out.getvalue(), capsys.readouterr().err


# --- line commands ----------------------------------------------------------------------------------


def test_normalize_maps_each_line_with_the_default_config(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, ["text", "normalize"], "إلى المدرسـة\nأحمد\n")
    assert (status, out, err) == (0, "الي المدرسة\nاحمد\n", "")


def test_normalize_honours_set_overrides_like_the_pipeline(monkeypatch, capsys):
    argv = ["text", "normalize", "--set", "normalize.alef=false", "--set", "normalize.teh_marbuta=true"]
    status, out, _ = run(monkeypatch, capsys, argv, "إلى المدرسة\n")
    assert (status, out) == (0, "إلي المدرسه\n")


def test_normalize_reads_a_config_file(monkeypatch, capsys, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("normalize:\n  digits: western\n", encoding="utf-8")
    status, out, _ = run(monkeypatch, capsys, ["text", "normalize", "-c", str(config)], "عام ٢٠٢٤\n")
    assert (status, out) == (0, "عام 2024\n")


def test_empty_lines_stay_empty_so_output_lines_align_with_input(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, ["text", "normalize"], "أ\n\n   \nإ")  # no final newline
    assert (status, out) == (0, "ا\n\n\nا\n")


def test_clean_writes_one_line_per_line_even_when_markup_breaks_lines(monkeypatch, capsys):
    stdin = "مرحبا <b>بكم</b> في https://example.com الموقع\nسطر<br>ثان<p>ثالث</p>\n\n"
    status, out, _ = run(monkeypatch, capsys, ["text", "clean"], stdin)
    assert status == 0
    assert out.split("\n") == ["مرحبا بكم في الموقع", "سطر ثان ثالث", "", ""]


def test_clean_honours_its_config_section(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, ["text", "clean", "--set", "clean.keep_latin=false"], "مرحبا Hello\n")
    assert (status, out) == (0, "مرحبا\n")


def test_diacritics_strip_keep_and_ratio(monkeypatch, capsys):
    line = "كَتَبَ الولد\n"
    assert run(monkeypatch, capsys, ["text", "diacritics"], line)[1] == line  # default mode: keep
    strip = ["text", "diacritics", "--set", "diacritics.mode=strip"]
    assert run(monkeypatch, capsys, strip, line)[1] == "كتب الولد\n"
    status, out, _ = run(monkeypatch, capsys, strip + ["--ratio"], line + "\n")
    assert (status, out) == (0, "0.3750\tكتب الولد\n\n")  # 3 marks / 8 letters, of the input


def test_segment_reads_the_whole_document_and_writes_one_sentence_a_line(monkeypatch, capsys):
    doc = "ذهب أحمد إلى السوق. ثم عاد إلى البيت!\nهل رأيت د. محمد؟ نعم.\n"
    status, out, _ = run(monkeypatch, capsys, ["text", "segment"], doc)
    assert status == 0
    assert out.splitlines() == ["ذهب أحمد إلى السوق.", "ثم عاد إلى البيت!", "هل رأيت د. محمد؟", "نعم."]


def test_segment_drops_sentences_shorter_than_the_configured_minimum(monkeypatch, capsys):
    argv = ["text", "segment", "--set", "segment.min_sentence_chars=5"]
    status, out, _ = run(monkeypatch, capsys, argv, "نعم. ذهب أحمد إلى السوق.")
    assert (status, out) == (0, "ذهب أحمد إلى السوق.\n")


def test_dialect_prints_label_and_confidence_per_line(monkeypatch, capsys):
    lines = ["ازيك يا باشا عامل ايه النهارده", "", "كيفك شو عم تعمل هلق", "ذهب الرجل إلى السوق"]
    status, out, _ = run(monkeypatch, capsys, ["text", "dialect"], "\n".join(lines) + "\n")
    assert status == 0
    rows = out.split("\n")[:-1]
    assert len(rows) == len(lines) and rows[1] == ""
    tagger = DialectTagger.default()
    for line, row in zip(lines, rows):
        if line:
            assert re.fullmatch(r"(MSA|EGY|GLF|LEV|MGR)\t[01]\.\d{4}", row)
            prediction = tagger.predict(line)
            assert row == f"{prediction.label}\t{max(prediction.scores.values()):.4f}"


def test_audit_prints_keep_or_drop_with_hits_per_reason(monkeypatch, capsys):
    stdin = "أعلنت الوزارة افتتاح مستشفى جديد\n\nاسكت يا حمار\nيا حمار يا كلب، سأقتلك\n"
    status, out, err = run(monkeypatch, capsys, ["text", "audit", "--summary"], stdin)
    assert status == 0
    assert out == "keep\t\n\nkeep\tinsult:1\ndrop\tinsult:2,threat:1\n"
    assert json.loads(err) == {"documents": 3, "kept": 2, "dropped": 1,
                               "dropped_by_reason": {"insult": 1, "threat": 1},
                               "flagged_by_reason": {"insult": 2, "threat": 1},
                               "hits_by_reason": {"insult": 3, "threat": 1}}


def test_audit_takes_extra_lexicons_and_config_terms(monkeypatch, capsys, tmp_path):
    lexicon = tmp_path / "more.tsv"
    lexicon.write_text("reason\tterm\tmatch\tweight\ninsult\tيا فاشل\tword\t2\n", encoding="utf-8")
    status, out, _ = run(monkeypatch, capsys, ["text", "audit", "--lexicon", str(lexicon)], "يا فاشل\n")
    assert (status, out) == (0, "drop\tinsult:1\n")
    argv = ["text", "audit", "--set", "audit.extra_terms={insult: [يا جبان]}"]
    status, out, _ = run(monkeypatch, capsys, argv, "يا جبان يا حمار\n")
    assert (status, out) == (0, "drop\tinsult:2\n")


def test_audit_thresholds_come_from_the_config(monkeypatch, capsys):
    argv = ["text", "audit", "--set", "audit.thresholds.insult=1"]
    assert run(monkeypatch, capsys, argv, "اسكت يا حمار\n")[:2] == (0, "drop\tinsult:1\n")


def test_audit_uses_the_proposed_thresholds_and_lexicons_fields_when_present(monkeypatch, capsys, tmp_path):
    # Stand-in for AuditConfig with the two fields proposed for it (lexicons, thresholds).
    from types import SimpleNamespace

    lexicon = tmp_path / "only.tsv"
    lexicon.write_text("reason\tterm\tmatch\ninsult\tيا فاشل\tword\n", encoding="utf-8")
    section = SimpleNamespace(enabled=True, extra_terms={}, lexicons=(str(lexicon),), thresholds={"insult": 1})
    monkeypatch.setattr(text_cli, "_load_config", lambda args: SimpleNamespace(audit=section))
    status, out, _ = run(monkeypatch, capsys, ["text", "audit"], "يا فاشل\nيا حمار يا كلب\n")
    assert (status, out) == (0, "drop\tinsult:1\nkeep\t\n")  # threshold 1; the shipped lexicon not loaded


def test_a_bad_audit_lexicon_names_file_and_line(monkeypatch, capsys, tmp_path):
    lexicon = tmp_path / "bad.tsv"
    lexicon.write_text("reason\tterm\tmatch\ninsult\tيا فاشل\tsubstring\n", encoding="utf-8")
    status, out, err = run(monkeypatch, capsys, ["text", "audit", "--lexicon", str(lexicon)], "x\n")
    assert status == 2 and out == ""
    assert f"{lexicon}:2: match 'substring'" in err


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["clean", "normalize", "diacritics", "segment", "dialect", "audit"])
def test_a_bad_config_key_exits_2_naming_the_key(monkeypatch, capsys, command):
    status, out, err = run(monkeypatch, capsys, ["text", command, "--set", "normalize.alif=false"], "نص\n")
    assert (status, out) == (2, "")
    assert err.startswith("arabic-llm: ") and "normalize.alif: unknown key" in err


def test_a_missing_config_file_exits_2_naming_it(monkeypatch, capsys, tmp_path):
    status, _, err = run(monkeypatch, capsys, ["text", "normalize", "-c", str(tmp_path / "nope.yaml")], "نص\n")
    assert status == 2 and "config file not found" in err and "nope.yaml" in err


def test_an_unknown_step_is_an_argparse_error(monkeypatch, capsys):
    with pytest.raises(SystemExit) as exc:
        run(monkeypatch, capsys, ["text", "stem"], "")
    assert exc.value.code == 2


# --- streaming, TTY, broken pipe --------------------------------------------------------------------


class LineByLineStdin(io.StringIO):
    """Fails if a command reads stdin in bulk, or reads line 2 before answering line 1."""

    def __init__(self, lines: list[str], stdout: io.StringIO) -> None:
        super().__init__("".join(lines))
        self.stdout = stdout
        self.served = 0

    def read(self, *args):  # pragma: no cover - the failure path
        raise AssertionError("a line command must not read all of stdin")

    def readline(self, *args):
        assert self.stdout.getvalue().count("\n") == self.served, "output lags input"
        line = super().readline(*args)
        self.served += bool(line)
        return line


def test_line_commands_answer_each_line_before_reading_the_next(monkeypatch, capsys):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stdin", LineByLineStdin(["أ\n", "\n", "إ\n"], out))
    assert text_cli.main(["text", "normalize"]) == 0
    assert out.getvalue() == "ا\n\nا\n"


class TtyOut(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0

    def isatty(self) -> bool:
        return True

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_each_line_is_flushed_when_stdout_is_a_terminal(monkeypatch):
    out = TtyOut()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stdin", io.StringIO("أ\nب\nج\n"))
    assert text_cli.main(["text", "normalize"]) == 0
    assert out.flushes >= 3


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_the_command_quietly(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stdin", io.StringIO("أ\n" * 10))
    assert text_cli.main(["text", "normalize"]) == 0
    assert capsys.readouterr().err == ""


# --- dialect training (DialectTagger.train/save/load) ----------------------------------------------


TRAINING = {
    "MSA": ["ذهب الرجل إلى السوق صباحا", "أعلنت الحكومة عن خطة جديدة", "يقرأ الطالب الكتاب في المكتبة"],
    "EGY": ["ازيك عامل ايه النهارده", "انا مش عارف هعمل ايه", "الواد ده جامد اوي"],
    "GLF": ["شلونك وش تسوي الحين", "ابي اروح البيت وايد تعبان", "هذا الشي زين حيل"],
    "LEV": ["كيفك شو عم تعمل هلق", "بدي روح عالبيت هلأ", "هيدا الشي كتير منيح"],
    "MGR": ["واش راك لاباس عليك", "بغيت نمشي للدار دابا", "هادشي زوين بزاف"],
}


def write_training(path: Path, extra: str = "") -> Path:
    rows = [f"{text}\t{label}" for label, texts in TRAINING.items() for text in texts]
    path.write_text("text\tlabel\n" + "\n".join(rows) + "\n" + extra, encoding="utf-8")
    return path


def test_train_dialect_then_tag_with_the_saved_model(monkeypatch, capsys, tmp_path):
    data, model = write_training(tmp_path / "train.tsv"), tmp_path / "model"
    status, out, err = run(monkeypatch, capsys, ["text", "train-dialect", "--data", str(data), "--out", str(model)])
    assert status == 0, err
    assert "15 examples" in out and model.is_dir()
    status, out, _ = run(monkeypatch, capsys, ["text", "dialect", "--model", str(model)], "شلونك وش تسوي\n\n")
    assert status == 0
    label, confidence = out.split("\n")[0].split("\t")
    assert label in DIALECTS and 0.2 <= float(confidence) <= 1.0
    assert out.split("\n")[1:] == ["", ""]


@pytest.mark.parametrize("extra, message", [
    ("سطر بلا تبويب\n", "train.tsv:17: expected text<TAB>label"),
    ("نص\tEGYPT\n", "train.tsv:17: label 'EGYPT' is not one of MSA, EGY, GLF, LEV, MGR"),
    ("\tEGY\n", "train.tsv:17: empty text"),
])
def test_a_bad_training_line_exits_2_naming_file_and_line(monkeypatch, capsys, tmp_path, extra, message):
    data = write_training(tmp_path / "train.tsv", extra)
    argv = ["text", "train-dialect", "--data", str(data), "--out", str(tmp_path / "m")]
    status, _, err = run(monkeypatch, capsys, argv)
    assert status == 2 and message in err
    assert not (tmp_path / "m").exists()


def test_a_missing_training_file_or_model_dir_exits_2_naming_it(monkeypatch, capsys, tmp_path):
    argv = ["text", "train-dialect", "--data", str(tmp_path / "none.tsv"), "--out", str(tmp_path / "m")]
    status, _, err = run(monkeypatch, capsys, argv)
    assert status == 2 and "none.tsv" in err
    status, _, err = run(monkeypatch, capsys, ["text", "dialect", "--model", str(tmp_path / "nodir")], "نص\n")
    assert status == 2 and "nodir" in err


# --- real processes ---------------------------------------------------------------------------------


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii", PYTHONUTF8="0")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize("module", ["arabic_llm.ops.text_cli", "arabic_llm.ops.cli"])
def test_a_real_process_round_trips_utf8_even_under_an_ascii_locale(module):
    stdin = "إلى المدرسـة\n\nأحمد ٣\n".encode()
    result = subprocess.run([sys.executable, "-m", module, "text", "normalize", "--set", "normalize.digits=western"],
                            input=stdin, capture_output=True, env=subprocess_env(), cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout.decode("utf-8") == "الي المدرسة\n\nاحمد 3\n"


def test_a_real_process_stops_quietly_when_the_reader_goes_away():
    proc = subprocess.Popen([sys.executable, "-m", "arabic_llm.ops.text_cli", "text", "normalize"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=subprocess_env(), cwd=ROOT)
    proc.stdin.write("أحمد\n".encode())
    proc.stdin.flush()
    assert proc.stdout.readline().decode() == "احمد\n"
    proc.stdout.close()  # the reader leaves, like `| head -1`
    try:
        proc.stdin.write(("إلى المدرسة\n" * 20_000).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the command already ended
    assert proc.wait(timeout=120) == 0
    err = proc.stderr.read().decode(errors="replace")
    assert "Traceback" not in err and "BrokenPipe" not in err, err
