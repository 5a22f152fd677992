"""The hook under the real pre-commit framework (pinned 4.7.0), as a user would install it.

One session-scoped fixture copies this checkout into a temporary git repository
(the hook repo, committed), builds a consumer repository holding the shipped
seeds with a ``.pre-commit-config.yaml`` pointing at that repo's commit, and
installs the hook environment once (``pip install .`` into a fresh virtualenv,
30-60 s). The scenarios then commit pages with ``git commit``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seedsift import cleaners

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
SOURCE_SEED = "003_8f12c63a8ee1537d.txt"
IGNORE = shutil.ignore_patterns(".venv", ".git", "out", "_data", ".seedsift", "__pycache__", "*.egg-info",
                                ".hypothesis", ".pytest_cache", "build", "node_modules")

pytestmark = [pytest.mark.slow, pytest.mark.precommit]


def run(cmd, cwd, env, check=True, timeout=900):
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise AssertionError(f"{cmd} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return res


def git(repo, *args, env, check=True):
    return run(["git", *args], repo, env, check=check)


@pytest.fixture(scope="session")
def hook_env(tmp_path_factory):
    """``(consumer repo, env)`` with the hook installed and its environment built."""
    pytest.importorskip("pre_commit")
    base = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "pc-home"), "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(base / "home"), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
           "PYTHONIOENCODING": "utf-8", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00"}
    for var in ("VIRTUAL_ENV", "PYTHONPATH", "GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(var, None)
    # the committer has no seedsift of their own: only the one pre-commit installs
    env["PATH"] = os.pathsep.join(d for d in env.get("PATH", "").split(os.pathsep)
                                  if d and not os.path.exists(os.path.join(d, "seedsift")))
    (base / "home").mkdir()
    # the hook repository: this working tree, committed (the lead commits only at intervals)
    hookrepo = base / "hookrepo"
    shutil.copytree(ROOT, hookrepo, ignore=IGNORE)
    if not (hookrepo / "README.md").exists():
        (hookrepo / "README.md").write_text("seedsift\n", encoding="utf-8")
    for repo in (hookrepo,):
        git(repo, "init", "-q", "-b", "main", env=env)
        git(repo, "config", "user.name", "Hook Test", env=env)
        git(repo, "config", "user.email", "hook@example.invalid", env=env)
        git(repo, "add", "-A", env=env)
        git(repo, "commit", "-q", "-m", "hook repo", env=env)
    sha = git(hookrepo, "rev-parse", "HEAD", env=env).stdout.strip()

    repo = base / "consumer"
    (repo / "seeds").mkdir(parents=True)
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, repo / "seeds" / p.name)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"- repo: {hookrepo}\n"
        f"  rev: {sha}\n"
        "  hooks:\n"
        "  - id: seedsift-check\n"
        "  - id: seedsift-fix\n"
        "    stages: [manual]\n"
        "  - id: seedsift-accept\n", encoding="utf-8")
    (repo / ".gitignore").write_text(".seedsift/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main", env=env)
    git(repo, "config", "user.name", "Seed Editor", env=env)
    git(repo, "config", "user.email", "seeds@example.invalid", env=env)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "existing seeds", env=env)
    run([*PRE_COMMIT, "install"], repo, env)
    run([*PRE_COMMIT, "install-hooks"], repo, env, timeout=1800)
    return repo, env


def commit(repo, env, *files, msg="add seed"):
    """``git commit`` (the hook's report goes to stderr; ``.stdout`` here holds both streams)."""
    git(repo, "add", *files, env=env)
    res = git(repo, "commit", "-m", msg, env=env, check=False)
    res.stdout = res.stdout + res.stderr
    return res


BODIES = {
    "library": ("本报记者在市郊的一座新建图书馆里看到，周末前来借阅的家长和孩子络绎不绝。馆长介绍说，"
                "图书馆开放三个月以来，已经办理借书证一万两千多张，少儿阅览区的座位常常供不应求。",
                "为了满足读者需求，图书馆延长了开放时间，并在每个星期六下午举办绘本故事会。"
                "一位带着女儿来参加活动的母亲告诉记者，孩子现在最盼望的就是周末来这里听故事。"),
    "market": ("老城区的农贸市场经过半年改造重新开业，地面铺上了防滑砖，摊位统一安装了电子秤。"
               "清晨六点刚过，买菜的居民就陆续走进市场，已经办理入驻手续的商户忙着摆放新鲜蔬菜。",
               "市场管理方表示，改造后增设了公平秤和食品快检室，消费者对质量有疑问可以免费检测。"
               "附近小区的退休教师说，现在买菜干净方便，价格也公道，心里踏实多了。"),
    "nightfair": ("入夏以来，滨江夜市每晚吸引大批游客，小吃摊前排起长队，文创摊位也格外热闹。"
                  "主办方在夜市入口设置了志愿服务点，为游客提供饮用水和失物招领服务。",
                  "据统计，夜市开街一个月，带动周边餐饮和零售销售额增长三成以上。"),
    "orchard": ("山区果园今年迎来丰收，漫山遍野的苹果挂满枝头，果农们天不亮就上山采摘。"
                "合作社负责人说，去年引进的滴灌设备让果树挺过了夏季干旱，单产比往年提高了两成。",
                "电商平台的冷链车每天下午准时到村口收货，新鲜苹果两天内就能送到外省消费者手中。"
                "几位返乡创业的年轻人还开起了直播间，向网友介绍果园的种植过程。"),
    "port": ("今年前十个月，沿海港口集装箱吞吐量同比增长百分之八，多条新航线相继开通。"
             "港口集团负责人介绍，自动化码头投入使用后，装卸效率明显提高，船舶平均在港时间缩短。",
             "业内人士认为，外贸订单回暖和物流成本下降是货运量增长的主要原因。"),
}


def clean_page(title: str, topic: str) -> str:
    """A page the cleaner leaves alone (checked here, so a cleaner change shows up as a clear failure)."""
    body = title + "\n\n" + "\n\n".join(BODIES[topic]) + "\n"
    cleaned = cleaners.clean(body)
    assert cleaned.text == body and not cleaned.repairs, cleaned.repairs
    return body


def test_clean_new_page_commits(hook_env):
    repo, env = hook_env
    page = repo / "seeds" / "100_library.txt"
    page.write_text(clean_page("新图书馆受到市民欢迎", "library"), encoding="utf-8")
    res = commit(repo, env, "seeds/100_library.txt")
    assert res.returncode == 0, res.stdout
    assert re.search(r"seedsift check.*Passed", res.stdout), res.stdout


def test_damaged_page_is_blocked_then_fixed(hook_env):
    repo, env = hook_env
    good = clean_page("社区菜市场完成改造", "market")
    paras = good.split("\n\n")
    # ASCII punctuation, trailing spaces, a sentence split by a blank line (column break)
    damaged = paras[0] + "  \n\n" + paras[1].replace("，", ",", 2)
    cut = damaged.index("已经办理")
    damaged = damaged[:cut] + "\n\n" + damaged[cut:] + "\n\n" + paras[2]
    page = repo / "seeds" / "101_market.txt"
    page.write_text(damaged, encoding="utf-8")
    res = commit(repo, env, "seeds/101_market.txt")
    assert res.returncode != 0, res.stdout
    out = res.stdout
    assert "seedsift check" in out and "Failed" in out
    assert re.search(r'seeds/101_market\.txt:\d+: punctuation: "…[^"]*,[^"]*…" → "…[^"]*，[^"]*…"', out), out
    assert re.search(r'seeds/101_market\.txt:\d+: join: "…[^"]*⏎⏎已经办理[^"]*…" → "…[^"]*，已经办理', out), out
    assert re.search(r"seeds/101_market\.txt:\d+: whitespace: ", out), out
    assert re.search(r"seeds/101_market\.txt:\d+: join: ", out), out
    assert git(repo, "diff", "--cached", "--name-only", env=env).stdout.strip() == "seeds/101_market.txt"

    res = run([*PRE_COMMIT, "run", "--hook-stage", "manual", "seedsift-fix", "--files", "seeds/101_market.txt"],
              repo, env, check=False)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "files were modified by this hook" in res.stdout
    fixed = page.read_text(encoding="utf-8")
    assert fixed == cleaners.clean(damaged).text
    assert "," not in fixed and "  \n" not in fixed
    res = commit(repo, env, "seeds/101_market.txt")
    assert res.returncode == 0, res.stdout + res.stderr


def test_page_copying_a_section_is_blocked(hook_env):
    repo, env = hook_env
    source = (SEEDS / SOURCE_SEED).read_text(encoding="utf-8")
    lines = source.split("\n")
    first, last = 11, 15  # 1-based lines of the copied section (a few hundred characters)
    section = cleaners.clean("\n".join(lines[first - 1:last])).text.strip("\n")
    assert len(section) > 300
    head = clean_page("夜市经济带动消费", "nightfair").rstrip("\n")
    page_text = head + "\n\n" + section + "\n"
    assert not [r for r in cleaners.clean(page_text).repairs if r.applied]
    (repo / "seeds" / "102_copy.txt").write_text(page_text, encoding="utf-8")
    res = commit(repo, env, "seeds/102_copy.txt")
    assert res.returncode != 0, res.stdout
    a = head.count("\n") + 3
    b = a + section.count("\n")
    m = re.search(r"seeds/102_copy\.txt lines (\d+)-(\d+) duplicate seeds/" + re.escape(SOURCE_SEED)
                  + r" lines (\d+)-(\d+) \(similarity (\d\.\d\d)\)", res.stdout)
    assert m, res.stdout
    assert (int(m[1]), int(m[2])) == (a, b)
    assert (int(m[3]), int(m[4])) == (first, last)
    assert float(m[5]) >= 0.95
    git(repo, "reset", "-q", "seeds/102_copy.txt", env=env)


def test_two_new_pages_duplicating_each_other_are_compared(hook_env):
    repo, env = hook_env
    text = clean_page("港口货运量创新高", "port")
    (repo / "seeds" / "103_port.txt").write_text(text, encoding="utf-8")
    (repo / "seeds" / "104_port_again.txt").write_text(text, encoding="utf-8")
    res = commit(repo, env, "seeds/103_port.txt", "seeds/104_port_again.txt")
    assert res.returncode != 0
    assert "seeds/104_port_again.txt is a copy of seeds/103_port.txt" in res.stdout, res.stdout
    git(repo, "reset", "-q", "seeds/103_port.txt", "seeds/104_port_again.txt", env=env)


def advised(out: str, hook_id: str) -> list[str]:
    """The ``pre-commit run … HOOK --files …`` command the check printed, as argv."""
    m = re.search(r"`(pre-commit run --hook-stage manual " + hook_id + r" --files [^`]+)`", out)
    assert m, out
    return m[1].split()


def test_damaged_page_fixed_flag_accepted_duplicate_accepted_then_committed(hook_env):
    """The whole flow with only what pre-commit installs, following the advice the hook prints."""
    repo, env = hook_env
    name = "seeds/105_orchard.txt"
    page = repo / name
    good = clean_page("山区果园喜获丰收", "orchard")
    paras = good.split("\n\n")
    damaged = "（上接第1版）\n\n" + paras[0] + "\n\n" + paras[1].replace("，", ",", 1) + "\n\n" + paras[2]
    page.write_text(damaged, encoding="utf-8")

    # 1. damaged: blocked; the advice is a pre-commit command, not a `seedsift` the committer does not have
    res = commit(repo, env, name)
    assert res.returncode != 0
    assert "`seedsift check" not in res.stdout and "SKIP=seedsift-check git commit" in res.stdout, res.stdout
    fix = advised(res.stdout, "seedsift-fix")
    res = run([*PRE_COMMIT, *fix[1:]], repo, env, check=False)
    assert res.returncode == 1 and "files were modified by this hook" in res.stdout, res.stdout + res.stderr
    assert "," not in page.read_text(encoding="utf-8")

    # 2. fixed, but the continuation marker is a flag: accept it after review
    res = commit(repo, env, name)
    assert res.returncode != 0 and "boilerplate (flag, review)" in res.stdout, res.stdout
    res = run([*PRE_COMMIT, *advised(res.stdout, "seedsift-accept")[1:]], repo, env, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "accepted 1 flag(s) and 0 duplicate(s) in .seedsift-baseline.json" in res.stdout, res.stdout
    res = commit(repo, env, name, ".seedsift-baseline.json", msg="orchard page")
    assert res.returncode == 0, res.stdout

    # 3. a later edit copies a section of another page: blocked as a duplicate, accepted, committed
    source = (SEEDS / SOURCE_SEED).read_text(encoding="utf-8").split("\n")
    section = cleaners.clean("\n".join(source[10:15])).text.strip("\n")
    page.write_text(page.read_text(encoding="utf-8") + "\n" + section + "\n", encoding="utf-8")
    res = commit(repo, env, name)
    assert res.returncode != 0
    assert re.search(rf"{name} lines \d+-\d+ duplicate seeds/{SOURCE_SEED} lines 11-15", res.stdout), res.stdout
    assert "duplicate(s) of text already in the corpus" in res.stdout and "boilerplate" not in res.stdout
    res = run([*PRE_COMMIT, *advised(res.stdout, "seedsift-accept")[1:]], repo, env, check=False)
    assert "accepted 0 flag(s) and 1 duplicate(s)" in res.stdout, res.stdout + res.stderr
    res = commit(repo, env, name, ".seedsift-baseline.json", msg="orchard page quotes the report")
    assert res.returncode == 0, res.stdout
    assert git(repo, "status", "--porcelain", "--", name, ".seedsift-baseline.json", env=env).stdout.strip() == ""
    baseline = json.loads((repo / ".seedsift-baseline.json").read_text(encoding="utf-8"))
    assert sorted(e["kind"] for e in baseline["accepted"]) == ["boilerplate", "duplicate"]
