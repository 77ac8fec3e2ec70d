#!/usr/bin/env python3
"""Pipes NDJSON messages through `dch convert` and `dch validate` under a real local Apache Spark.

    python3 spark_pipe.py --dch PATH --schemas DIR --input FILE.ndjson
                          [--partitions N] [--master local[2]] [--output SUMMARY.json]

The binary and its definition pack are shipped the way a cluster job ships them: the binary with
SparkContext.addFile (Spark makes fetched files executable), the pack as an archive with
SparkContext.addArchive, unpacked on every node and named to dch by DCH_SCHEMAS. Each partition is
piped through one dch process (RDD.pipe); collect() keeps partition order, so the output lines
line up with the input lines. Writes one JSON object: the collected lines, the partition sizes and
the time each pipe took. Run by Tests/dchTests/SparkPipeTests.swift; usable by hand as well."""
import argparse
import json
import os
import shlex
import sys
import tarfile
import tempfile
import time

from pyspark import SparkConf, SparkContext, SparkFiles


def dch_command(binary, *arguments):
    """The command line for RDD.pipe: dch through /bin/sh, exit status 1 (messages with errors, or
    not converted) passed as success so that checkCode=True fails the task only on status 2 and
    above (usage, I/O, a crash). The lines themselves say which messages failed."""
    script = '"$0" "$@"; [ $? -le 1 ]'
    return " ".join(shlex.quote(part) for part in ["/bin/sh", "-c", script, binary, *arguments])


def pack_archive(schemas, folder):
    """The definition pack as a tar archive whose members are the pack's files at its top level
    (Spark refuses to unpack an archive holding a `./` entry)."""
    path = os.path.join(folder, "dch-schemas.tar")
    with tarfile.open(path, "w") as archive:
        for name in sorted(os.listdir(schemas)):
            archive.add(os.path.join(schemas, name), arcname=name)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dch", required=True, help="the dch executable")
    parser.add_argument("--schemas", required=True, help="the definition pack folder (share/dch/Schemas)")
    parser.add_argument("--input", required=True, help="NDJSON messages, one per line")
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--output", help="where to write the summary (default: stdout)")
    options = parser.parse_args()

    with open(options.input, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    started = time.monotonic()
    conf = (SparkConf().setMaster(options.master).setAppName("dch-spark-pipe")
            .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
            .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"))
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    version = sc.version
    try:
        with tempfile.TemporaryDirectory() as folder:
            # Shipping: what `spark-submit --files dch --archives dch-schemas.tar#dch-schemas` does.
            sc.addFile(options.dch)
            sc.addArchive(pack_archive(options.schemas, folder) + "#dch-schemas")
            binary = SparkFiles.get(os.path.basename(options.dch))
            environment = {"DCH_SCHEMAS": SparkFiles.get("dch-schemas")}
            ready = time.monotonic()

            messages = sc.parallelize(lines, options.partitions)
            partition_sizes = messages.glom().map(len).collect()

            def timed_pipe(*arguments):
                begin = time.monotonic()
                result = messages.pipe(dch_command(binary, *arguments), env=environment, checkCode=True).collect()
                return result, time.monotonic() - begin

            converted, convert_seconds = timed_pipe("convert", "--lines", "--to", "xml", "--compact", "--jobs", "1", "-")
            verdicts, validate_seconds = timed_pipe("validate", "--lines", "--format", "messages", "--jobs", "1", "-")
    finally:
        sc.stop()

    summary = {
        "sparkVersion": version,
        "master": options.master,
        "inputLines": len(lines),
        "partitionSizes": partition_sizes,
        "startSeconds": round(ready - started, 3),
        "convertSeconds": round(convert_seconds, 3),
        "validateSeconds": round(validate_seconds, 3),
        "converted": converted,
        "verdicts": verdicts,
    }
    text = json.dumps(summary)
    if options.output:
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
