#!/usr/bin/env python3
"""Builds iatk's built-in aws.events catalogue from @aws-cdk/aws-service-spec.

    scripts/build-aws-events-catalogue.py [--db db.json.gz | --version V] [--out data]

The npm package @aws-cdk/aws-service-spec (Apache-2.0) ships db.json.gz, a
serialised database.  Its `event` table holds the EventBridge event types
(name, source, detail-type, a rootProperty pointing into the
`eventTypeDefinition` table); an eventTypeDefinition is a named object type
whose properties carry a type (string, number, integer, boolean, json, ref,
array, map, union) and `required`.  Each event becomes an OpenAPI 3 document
shaped as AWS publishes the schemas of its `aws.events` registry: the
`AWSEvent` envelope with x-amazon-events-source/-detail-type, `detail`
$ref'ing the detail type, and every object type as its own component.

The output is a local registry tree (OUT/aws.events/<schema>/<N>/schema.json
and meta.json, as lib/registry/local.c writes them) plus OUT/aws.events/NOTICE.

Version numbers are append-only, like every registry's: a schema already in
OUT keeps its versions, and gets a new one (the highest + 1) only when the
converted document differs from its latest.  A schema that is new starts at
--first-version (2 by default; docs/catalogue.md says why).  Schemas that
left the package are kept, so a pinned version never disappears.

Without --db, it runs `npm pack @aws-cdk/aws-service-spec[@V]` in a
temporary directory.  Python 3 standard library only.
"""
import argparse
import datetime
import gzip
import io
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@aws-cdk/aws-service-spec"
REGISTRY = "aws.events"
ENVELOPE_REQUIRED = ["detail-type", "resources", "detail", "id", "source", "time",
                     "region", "version", "account"]
SCALARS = {"string", "number", "integer", "boolean"}


# ------------------------------------------------------------ the database

def npm_pack(version, workdir):
    """db.json.gz's bytes and the package version, from `npm pack`."""
    spec = f"{PACKAGE}@{version}" if version else PACKAGE
    out = subprocess.run(["npm", "pack", "--silent", spec], cwd=workdir, check=True,
                         capture_output=True, text=True).stdout.split()
    with tarfile.open(os.path.join(workdir, out[-1])) as tar:
        manifest = json.load(tar.extractfile("package/package.json"))
        return tar.extractfile("package/db.json.gz").read(), manifest["version"]


def load_db(raw):
    return json.load(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), "utf-8"))


def package_version_near(db_path):
    """The version in a package.json next to db.json.gz, when there is one."""
    manifest = pathlib.Path(db_path).parent / "package.json"
    try:
        return json.loads(manifest.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


class Db:
    """The two tables the catalogue needs, indexed by $id."""

    def __init__(self, db):
        schema = db["schema"]
        self.events = schema["event"]["entities"]
        self.types = {t["$id"]: t for t in schema["eventTypeDefinition"]["entities"]}


# ------------------------------------------------------------ conversion

def component_ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


class Converter:
    """One event's document: the object types it reaches become components,
    named as the database names them (made unique within the document)."""

    def __init__(self, db):
        self.db = db
        self.names = {}      # eventTypeDefinition $id -> component name
        self.components = {}

    def name_of(self, type_id):
        if type_id not in self.names:
            base = self.db.types[type_id]["name"]
            name, n = base, 1
            taken = set(self.names.values()) | {"AWSEvent"}
            while name in taken:
                n += 1
                name = f"{base}_{n}"
            self.names[type_id] = name
            self.components[name] = None  # reserve the place: keeps order
            self.components[name] = self.object_type(type_id)
        return self.names[type_id]

    def object_type(self, type_id):
        props = self.db.types[type_id]["properties"]
        required = [p for p, spec in props.items() if spec.get("required")]
        out = {"type": "object"}
        if required:
            out["required"] = required
        out["properties"] = {p: self.type(props[p]["type"]) for p in sorted(props)}
        return out

    def type(self, t):
        kind = t["type"]
        if kind in SCALARS:
            return {"type": kind}
        if kind == "json":
            # Free-form JSON in the database; AWS's schemas say "object".
            return {"type": "object"}
        if kind == "ref":
            return component_ref(self.name_of(t["reference"]["$ref"]))
        if kind == "array":
            return {"type": "array", "items": self.type(t["element"])}
        if kind == "map":
            return {"type": "object", "additionalProperties": self.type(t["element"])}
        if kind == "union":
            return {"anyOf": [self.type(x) for x in t["types"]]}
        raise ValueError(f"unknown type kind {kind!r}")


def envelope(event, detail_name):
    props = {"detail": component_ref(detail_name)}
    for member in sorted(ENVELOPE_REQUIRED):
        if member == "detail":
            continue
        props[member] = {"type": "string"}
    props["resources"] = {"type": "array", "items": {"type": "string"}}
    props["time"] = {"type": "string", "format": "date-time"}
    return {
        "type": "object",
        "required": list(ENVELOPE_REQUIRED),
        "x-amazon-events-detail-type": event["detailType"],
        "x-amazon-events-source": event["source"],
        "properties": props,
    }


def document(db, event):
    conv = Converter(db)
    conv.components["AWSEvent"] = None
    detail = conv.name_of(event["rootProperty"]["$ref"])
    conv.components["AWSEvent"] = envelope(event, detail)
    return {
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": event["name"].split("@", 1)[1]},
        "paths": {},
        "components": {"schemas": conv.components},
    }


def render(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------ the tree

META = '{\n  "type": "OpenApi3"\n}\n'


def versions_of(schema_dir):
    if not schema_dir.is_dir():
        return []
    return sorted(int(p.name) for p in schema_dir.iterdir()
                  if p.is_dir() and p.name.isdigit() and not p.name.startswith("0"))


def write_version(schema_dir, number, text):
    """Writes version `number` through a temporary directory renamed into
    place, so an interrupted run leaves no half version."""
    schema_dir.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=".tmp-", dir=schema_dir))
    (tmp / "schema.json").write_text(text, encoding="utf-8")
    (tmp / "meta.json").write_text(META, encoding="utf-8")
    os.rename(tmp, schema_dir / str(number))


def store(registry_dir, name, text, first_version):
    """'new', 'changed' or 'same', after storing `text` as needed."""
    schema_dir = registry_dir / name
    held = versions_of(schema_dir)
    if not held:
        write_version(schema_dir, first_version, text)
        return "new"
    latest = (schema_dir / str(held[-1]) / "schema.json").read_text(encoding="utf-8")
    if latest == text:
        return "same"
    write_version(schema_dir, held[-1] + 1, text)
    return "changed"


NOTICE = """\
iatk's built-in aws.events catalogue
====================================

The schemas in this directory were generated by
scripts/build-aws-events-catalogue.py from db.json.gz of the npm package

    {package}@{version}

(https://www.npmjs.com/package/{package}, source:
https://github.com/cdklabs/awscdk-service-spec), which is licensed under the
Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).
The event types it describes are AWS's; the documents here are a derived
work: the package's EventBridge event types turned into OpenAPI 3 documents
shaped as AWS publishes its aws.events schemas.

Built on {date}: {schemas} schemas from {services} services.

Version numbers are the catalogue's own (docs/catalogue.md): a new schema
starts at version {first}, a changed one gets the next number, and no version
is ever removed or rewritten.  AWS's exact current schemas, with AWS's numbers:
`iatk registry pull --registry aws.events` into a local tree.

To rebuild (needs npm and network access to the npm registry):

    scripts/build-aws-events-catalogue.py --out data            # latest version
    scripts/build-aws-events-catalogue.py --version V --out data
    scripts/build-aws-events-catalogue.py --db path/to/db.json.gz --out data
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="db.json.gz (default: npm pack the package)")
    ap.add_argument("--version", help="package version to npm pack (default: latest)")
    ap.add_argument("--package-version",
                    help="version to record in NOTICE with --db (default: its package.json)")
    ap.add_argument("--out", default="data", help="registry tree root (default: data)")
    ap.add_argument("--first-version", type=int, default=2,
                    help="version number of a schema new to the catalogue (default: 2)")
    ap.add_argument("--date", help="date recorded in NOTICE (default: today, UTC)")
    args = ap.parse_args(argv)
    if args.first_version < 1:
        ap.error("--first-version must be at least 1")

    if args.db:
        raw = pathlib.Path(args.db).read_bytes()
        version = args.package_version or package_version_near(args.db) or "unknown"
    else:
        with tempfile.TemporaryDirectory() as work:
            raw, version = npm_pack(args.version, work)
    db = Db(load_db(raw))

    registry_dir = pathlib.Path(args.out) / REGISTRY
    counts = {"new": 0, "changed": 0, "same": 0}
    services = set()
    for event in sorted(db.events, key=lambda e: e["name"]):
        counts[store(registry_dir, event["name"], render(document(db, event)),
                     args.first_version)] += 1
        services.add(event["source"])
    date = args.date or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    (registry_dir / "NOTICE").write_text(NOTICE.format(
        package=PACKAGE, version=version, date=date, schemas=len(db.events),
        services=len(services), first=args.first_version), encoding="utf-8")
    print(f"{PACKAGE}@{version}: {len(db.events)} schemas from {len(services)} services "
          f"({counts['new']} new, {counts['changed']} changed, {counts['same']} unchanged) "
          f"in {registry_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
