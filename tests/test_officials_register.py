"""Issue 4: entity quality through the parser, the officials register, CLI and API."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from conftest import GOLD, MANIFEST, SAMPLE_ARCHIVE
from indexer.cli import main
from indexer.entities import extract_leaders, extract_regions
from indexer.evaluate import entity_overall, evaluate_articles, evaluate_entities

# achieved on the seeds: 1.000 each; floors at that minus a margin of 0.02
REGION_P, REGION_R, OFFICIAL_P, OFFICIAL_R, TITLE_RATE = 0.98, 0.98, 0.98, 0.98, 0.98


def test_entity_floors_through_the_parser(gazetteer):
    total = entity_overall(evaluate_entities(evaluate_articles(GOLD, SAMPLE_ARCHIVE, gazetteer, MANIFEST)))
    rp, rr, _ = total.regions
    op, orr, _ = total.officials
    assert rp >= REGION_P and rr >= REGION_R
    assert op >= OFFICIAL_P and orr >= OFFICIAL_R
    assert total.title_rate >= TITLE_RATE
    assert total.official_tp >= 80 and total.region_tp >= 60  # the floors are over real volume


def test_eval_entities_command():
    result = CliRunner().invoke(main, ["eval", "entities", str(GOLD), str(SAMPLE_ARCHIVE), "--manifest", str(MANIFEST)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("| page | regions P | R | F1 | officials P | R | F1 | titles as printed |")
    assert "| **all** |" in result.output


def test_register_built_with_the_index(app, all_articles):
    engine = app.extensions["jinbao_engine"]
    entry = engine.official("刘星")
    # every article that carries him as an official is counted, with each title as printed
    carrying = [d for d in all_articles if "刘星" in d["leaders"]]
    assert entry["articles"] == len(carrying) >= 3
    assert entry["first"] == min(d["date"] for d in carrying) and entry["last"] == max(d["date"] for d in carrying)
    printed = {d["leader_titles"]["刘星"] for d in carrying}
    assert {t["title"] for t in entry["titles"]} == printed
    assert {"市委副书记、市长", "市委书记、市长"} <= printed  # he changed office between the samples
    for t in entry["titles"]:
        assert t["papers"] == ["jinzhong-daily"] and t["first"] <= t["last"]
    assert entry["regions"][0]["region"] == "晋中市"


def test_reporters_never_in_the_register(app):
    engine = app.extensions["jinbao_engine"]
    names = {e["name"] for e in engine.officials()}
    pages = "".join(re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in SAMPLE_ARCHIVE.rglob("*.txt"))
    for reporter in ("张子珂", "智慧萍", "王晶", "孙鸣", "郭婷婷", "刘勇", "杨洋", "王菲"):
        assert reporter in pages  # they are on the pages, as reporters and photographers
        assert reporter not in names


def test_officials_api(client):
    data = client.get("/api/officials/王帮富").get_json()
    assert data["titles"][0]["title"] == "副市长" and data["articles"] == 1
    missing = client.get("/api/officials/不存在的人")
    assert missing.status_code == 404 and "不存在的人" in missing.get_json()["error"]
    listing = client.get("/api/officials").get_json()["officials"]
    assert listing[0]["articles"] >= listing[-1]["articles"]


def test_officials_cli(sample_index):
    index_dir, _summary = sample_index
    runner = CliRunner()
    result = runner.invoke(main, ["officials", "--index", str(index_dir)])
    assert result.exit_code == 0 and "刘星\t" in result.output
    one = runner.invoke(main, ["officials", "刘星", "--index", str(index_dir), "--json"])
    assert json.loads(one.output)["name"] == "刘星"
    bad = runner.invoke(main, ["officials", "无名氏", "--index", str(index_dir)])
    assert bad.exit_code != 0 and "无名氏" in bad.output


def test_userdict_holds_gazetteer_and_register_names(sample_index):
    index_dir, _summary = sample_index
    from indexer.build import active_dir

    words = set((active_dir(index_dir) / "userdict.txt").read_text(encoding="utf-8").split())
    assert {"榆次区", "平遥县", "刘星", "王帮富", "魏振东"} <= words


def test_other_papers_general_rules(gazetteer):
    # sentences in the style of other Shanxi papers (大同, 运城, 晋城), not from the samples
    text = "本报讯（记者 李明）3月5日，市委书记张新伟在云冈区调研。市委常委、秘书长王华参加。"
    assert extract_regions(text, gazetteer, "大同市") == ["云冈区", "大同市"]
    assert extract_leaders(text) == {"张新伟": "市委书记", "王华": "市委常委、秘书长"}
    assert extract_regions("晉城市城區召開會議，區委書記李強出席", gazetteer) == ["城区", "晋城市"]
    assert "李强" in extract_leaders("晉城市城區召開會議，區委書記李強出席")
    assert extract_leaders("图为活动现场。记者 王芳 摄") == {}
    assert extract_regions("他在小店里买了一瓶醋", gazetteer) == []
    assert extract_leaders("孝义市副市长郭某某通报情况") == {}
