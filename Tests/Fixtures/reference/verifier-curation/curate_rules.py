# Rule candidates (make_verifier_set.py --claims) accepted by hand: (pid, base, index into that claim's candidates)
ACCEPT = [
 ("clin-002","v",2), ("clin-006","v",4), ("clin-008","v",2), ("clin-010","v",0), ("clin-015","p",0),
 ("clin-016","v",0), ("clin-017","p",1), ("clin-018","v",2), ("clin-019","v",0), ("clin-020","v",4),
 ("clin-022","v",2), ("clin-023","v",3), ("clin-025","p",0), ("clin-028","p",1), ("clin-029","p",3),
 ("clin-032","v",1), ("clin-040","v",0), ("clin-036","v",3), ("clin-037","v",2),
 ("code-002","v",0), ("code-004","v",1), ("code-005","p",0), ("code-009","v",1), ("code-010","p",0),
 ("code-016","v",0), ("code-019","v",0), ("code-026","p",1), ("code-028","p",0),
 ("math-005","v",0), ("math-008","p",0), ("math-009","v",1), ("math-010","v",0),
 ("math-013","p",2), ("math-015","v",4), ("math-016","p",1), ("math-022","v",0), ("math-023","p",1),
 ("math-026","v",2),
]
