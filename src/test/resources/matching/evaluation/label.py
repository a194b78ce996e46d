#!/usr/bin/env python3
"""Labels the evaluation pairs from hand-written readings of each study's criteria.

Independent of the Java matcher: rules.tsv holds, for every criteria item (items.tsv, in the order
the eligibility model lists them), a reading written by a person from the sentence; this script only
applies those readings to each synthetic patient's FHIR Bundle, as of 2026-11-22, and writes
labels.tsv. Rules (joined with " & ": any not-met -> not-met, all met -> met, else unknown):
  unknown                   the data cannot decide it
  age:LO:HI                 completed years in [LO, HI] (an empty end is open)
  has:CODES                 an active Condition with one of the SNOMED CT codes
  not:CODES                 no active Condition with one of them ("-": none can be coded)
  qhas:CODES / qnot:CODES   as has/not, but having one only makes it unknown (a qualifier)
  hnot:CODES                no Condition with one of them, active or resolved
  recentnot:CODES:DAYS      no Condition with one of them whose onset is within DAYS
  lab:LOINC:OP:V[:OP:V]     the most recent Observation's value (in the data's own unit)
  notpreg / notbf           male -> met; active pregnancy Condition -> not-met; else unknown
  hv:CODES                  study without healthy volunteers: an active Condition with one of the
                            study's condition codes -> met; else unknown (never not-met)
  nomed:DRUGS:current       no active MedicationRequest whose text names one of DRUGS (a class
                            written out as ingredient words below); an active one without any
                            medication code or text -> unknown
  qnomed:DRUGS:ever         as nomed at any time, but having one only makes it unknown
  noproc:WORDS              no Procedure whose text names one of WORDS
  notboth:CODES:DRUGS       not (an active Condition with one of CODES and an active DRUGS use)
Absence of a condition (medication, procedure) is known only when the patient has at least one
Condition (MedicationRequest, Procedure).
Usage: python3 label.py PATIENTS_DIR > labels.tsv
"""
import csv, datetime, json, os, sys

TODAY = datetime.date(2026, 11, 22)
PREGNANCY = {"72892002", "77386006"}
HERE = os.path.dirname(os.path.abspath(__file__))
SELECTION = {
    "NCT05939167": ("hiv", 50),
    "NCT05266625": ("metabolic", 45),
    "NCT06972472": ("metabolic", 45),
    "NCT05647226": ("metabolic", 45),
    "NCT04573296": ("metabolic", 45),
    "NCT03549754": ("cardiometabolic", 45),
    "NCT06952530": ("any", 25),
}
GROUPS = {
    "hiv": {"86406008"},
    "metabolic": {"44054006", "15777000", "162864005", "408512008"},
    "cardiometabolic": {"44054006", "59621000", "431855005", "431856006", "433144002", "431857002"},
    "any": set(),
}


DRUGS = {
    "insulin": ["insulin"],
    "antiobesity": ["semaglutide", "liraglutide", "tirzepatide", "orlistat", "phentermine", "setmelanotide"],
    "glp1": ["semaglutide", "liraglutide", "dulaglutide", "exenatide", "lixisenatide", "tirzepatide"],
    "corticosteroid": ["prednisone", "prednisolone", "methylprednisolone", "dexamethasone", "hydrocortisone",
                       "cortisone", "betamethasone", "triamcinolone", "budesonide", "fluticasone",
                       "beclomethasone", "mometasone"],
    "bariatric": ["bariatric", "gastric bypass", "sleeve gastrectomy", "gastric band"],
}


def combine(outcomes):
    if "not-met" in outcomes:
        return "not-met"
    return "met" if all(o == "met" for o in outcomes) else "unknown"


class Patient:
    def __init__(self, path):
        bundle = json.load(open(path))
        resources = [e["resource"] for e in bundle["entry"]]
        self.patient = next(r for r in resources if r["resourceType"] == "Patient")
        self.id = self.patient["id"]
        self.conditions = [r for r in resources if r["resourceType"] == "Condition"]
        self.observations = [r for r in resources if r["resourceType"] == "Observation"]
        self.meds = [r for r in resources if r["resourceType"] == "MedicationRequest"
                     and r.get("status") not in ("entered-in-error", "cancelled", "draft")]
        self.procedures = [r for r in resources if r["resourceType"] == "Procedure"]

    def med_uses(self, drugs, active_only):
        """(named, unnamed): requests naming one of the drugs, requests naming no medication."""
        named, unnamed = False, False
        for m in self.meds:
            if active_only and m.get("status") != "active":
                continue
            concept = m.get("medicationCodeableConcept")
            if not concept:
                unnamed = True
                continue
            text = " ".join([concept.get("text", "")] + [c.get("display", "") for c in concept.get("coding", [])]).lower()
            named |= any(d in text for d in DRUGS[drugs])
        return named, unnamed

    def codes(self, active_only):
        out = []
        for c in self.conditions:
            status = c.get("clinicalStatus", {}).get("coding", [{}])[0].get("code")
            if active_only and status not in ("active", "recurrence", "relapse"):
                continue
            for coding in c["code"].get("coding", []):
                out.append((coding["code"], c.get("onsetDateTime", "")[:10]))
        return out

    def age(self):
        b = datetime.date.fromisoformat(self.patient["birthDate"])
        return TODAY.year - b.year - ((TODAY.month, TODAY.day) < (b.month, b.day))

    def latest(self, loinc):
        found = [o for o in self.observations
                 if any(c["code"] == loinc for c in o["code"]["coding"]) and "valueQuantity" in o]
        if not found:
            return None
        return max(found, key=lambda o: o.get("effectiveDateTime", ""))["valueQuantity"]["value"]


OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def evaluate(rule, p):
    name, _, arg = rule.partition(":")
    codes = set() if arg in ("", "-") else set(arg.split(":")[0].split(","))
    known = bool(p.conditions)
    if name == "unknown":
        return "unknown"
    if name == "age":
        lo, hi = arg.split(":")
        a = p.age()
        return "met" if (not lo or a >= int(lo)) and (not hi or a <= int(hi)) else "not-met"
    active = {c for c, _ in p.codes(True)}
    if name in ("has", "qhas"):
        if active & codes:
            return "met" if name == "has" else "unknown"
        return "not-met" if known else "unknown"
    if name in ("not", "qnot"):
        if active & codes:
            return "not-met" if name == "not" else "unknown"
        return "met" if known else "unknown"
    if name == "hnot":
        if {c for c, _ in p.codes(False)} & codes:
            return "not-met"
        return "met" if known else "unknown"
    if name == "recentnot":
        days = int(arg.split(":")[1])
        since = (TODAY - datetime.timedelta(days=days)).isoformat()
        if any(c in codes and onset >= since for c, onset in p.codes(False)):
            return "not-met"
        return "met" if known else "unknown"
    if name == "lab":
        parts = arg.split(":")
        value = p.latest(parts[0])
        if value is None:
            return "unknown"
        ok = all(OPS[parts[i]](value, float(parts[i + 1])) for i in range(1, len(parts), 2))
        return "met" if ok else "not-met"
    if name == "hv":
        return "met" if active & codes else "unknown"
    if name in ("nomed", "qnomed"):
        drugs, scope = arg.split(":")
        named, unnamed = p.med_uses(drugs, scope == "current")
        if named:
            return "not-met" if name == "nomed" else "unknown"
        return "met" if p.meds and not unnamed else "unknown"
    if name == "noproc":
        texts = [" ".join(c.get("display", "") for c in r["code"].get("coding", [])).lower() for r in p.procedures]
        if any(w in t for t in texts for w in DRUGS[arg]):
            return "not-met"
        return "met" if p.procedures else "unknown"
    if name == "notboth":
        conds, drugs = arg.split(":")
        has = active & set(conds.split(","))
        named, unnamed = p.med_uses(drugs, True)
        if has and named:
            return "not-met"
        if (not has and known) or (p.meds and not named and not unnamed):
            return "met"
        return "unknown"
    if name in ("notpreg", "notbf"):
        if p.patient.get("gender") == "male":
            return "met"
        if name == "notpreg" and active & PREGNANCY:
            return "not-met"
        return "unknown"
    raise ValueError("unknown rule " + rule)


def main(patients_dir):
    items = {}
    for row in csv.reader(open(os.path.join(HERE, "items.tsv")), delimiter="\t"):
        items[(row[0], int(row[1]))] = row[3]
    rules = list(csv.DictReader(open(os.path.join(HERE, "rules.tsv")), delimiter="\t"))
    patients = [Patient(os.path.join(patients_dir, f)) for f in sorted(os.listdir(patients_dir))]
    patients.sort(key=lambda p: p.id)
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["study", "patient", "sentence", "expected"])
    for study, (group, size) in SELECTION.items():
        wanted = GROUPS[group]
        chosen = [p for p in patients if wanted & {c for c, _ in p.codes(False)}][:size]
        chosen += [p for p in patients if p not in chosen][: size - len(chosen)]
        by_sentence = {}
        for r in rules:
            if r["study"] == study:
                by_sentence.setdefault(items[(study, int(r["item"]))], r["rule"])
        for p in sorted(chosen, key=lambda p: p.id):
            labels = []
            for sentence, rule in by_sentence.items():
                label = combine([evaluate(part.strip(), p) for part in rule.split("&")])
                labels.append(label)
                out.writerow([study, p.id, sentence, label])
            verdict = {"not-met": "not-eligible", "met": "eligible", "unknown": "possibly-eligible"}[combine(labels)]
            out.writerow([study, p.id, "*verdict*", verdict])


if __name__ == "__main__":
    main(sys.argv[1])
