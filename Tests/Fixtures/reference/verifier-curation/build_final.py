import json, re, sys, collections
sys.path.insert(0, '/tmp')
from curate_clin import CLIN
from curate_docs import CODE, MATH
from curate_rules import ACCEPT
CLAIMS = {}
for l in open('/tmp/verifier-candidates-claims.jsonl'):
    _r = json.loads(l); CLAIMS.setdefault(_r['pid'], []).append(_r)
cands = {json.loads(l)['pid']: json.loads(l) for l in open('/tmp/verifier-candidates.jsonl')}
OUT = '/work/main/Tests/CitedAnswerTests/Fixtures/verifier/verifier-set.jsonl'
ABBR = {"negation": "neg", "direction": "dir", "comparison-swap": "cmp", "number-swap": "num",
        "entity-swap": "ent", "function-swap": "fn", "overgeneralisation": "gen"}
rows = []
def words(t): return set(re.findall(r"[a-z0-9]+", t.lower()))
for prefix, table in (("clin", CLIN), ("code", CODE), ("math", MATH)):
    for i, (pid, c) in enumerate(table.items()):
        r = cands[pid]
        assert 400 <= len(r['passage']) <= 1100, pid
        split = "tune" if i % 2 == 0 else "confirm"
        base_id = f"{prefix}-{i+1:03d}"
        common = dict(split=split, domain=r['domain'], source=r['source'], context=r['context'], passage=r['passage'])
        v, p = c['v'], c['p']
        cov = len(words(v) & words(r['passage'])) / len(words(v))
        assert cov > 0.85, (pid, cov, words(v) - words(r['passage']))
        rows.append(dict(id=f"{base_id}-verb", **common, sentence=v, label="supported", kind="verbatim", note="claim copied/trimmed from the passage"))
        rows.append(dict(id=f"{base_id}-para", **common, sentence=p, label="supported", kind="paraphrase", note="hand-written faithful paraphrase"))
        seen = collections.Counter()
        for x in c['x']:
            kind = x[0]
            if x[1] is None:
                sent, note = x[2], "hand-written: " + x[3]
            else:
                base = p if (len(x) > 3 and x[3] == 'p') else v
                assert base.count(x[1]) >= 1, (pid, x)
                sent = base.replace(x[1], x[2], 1)
                note = f"minimal edit of {'paraphrase' if base is p else 'verbatim'}: '{x[1]}' -> '{x[2]}'"
            assert sent not in (v, p), (pid, x)
            seen[kind] += 1
            suf = ABBR[kind] + ("" if seen[kind] == 1 else str(seen[kind]))
            rows.append(dict(id=f"{base_id}-{suf}", **common, sentence=sent, label="unsupported", kind=kind, note=note))
        for (apid, b, j) in ACCEPT:
            if apid != pid:
                continue
            cand = CLAIMS[pid][0 if b == 'v' else 1]
            assert cand['sentence'] == (v if b == 'v' else p), pid
            x = cand['candidates'][j]
            assert x['sentence'] not in [r2['sentence'] for r2 in rows if r2['id'].startswith(base_id)], (pid, j)
            seen[x['kind']] += 1
            suf = ABBR[x['kind']] + ("" if seen[x['kind']] == 1 else str(seen[x['kind']]))
            rows.append(dict(id=f"{base_id}-{suf}", **common, sentence=x['sentence'], label="unsupported", kind=x['kind'],
                             note=f"rule on {'verbatim' if b == 'v' else 'paraphrase'}: {x['note']}"))
ids = [r['id'] for r in rows]; assert len(ids) == len(set(ids))
import os; os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    for r in rows:
        f.write(json.dumps(dict(id=r['id'], split=r['split'], domain=r['domain'], source=r['source'], context=r['context'],
                                passage=r['passage'], sentence=r['sentence'], label=r['label'], kind=r['kind'], note=r['note']), ensure_ascii=False) + "\n")
print(len(rows))
C = collections.Counter
print(C((r['domain'], r['label']) for r in rows))
print(C((r['split'], r['label']) for r in rows))
print(C(r['kind'] for r in rows))
print(C((r['domain'], r['kind']) for r in rows))
print(C((r['split'], r['domain']) for r in rows))
