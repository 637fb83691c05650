"""Sentinelle's triage as the map step of an Apache Spark job (local mode), checked against one process.

    python research/spark/triage_spark.py [--messages 1000000] [--cores 2] [--partitions 8]
                                          [--corpus target/bench/corpus.jsonl] [--cli target/release/sentinelle]

1. Writes --messages messages to target/spark/messages.jsonl by cycling the bench corpus
   (bench/run.mjs or `node bench/corpus.mjs`), each with a unique id (s0000000, s0000001, ...).
2. Runs `sentinelle triage --format jsonl` on that file in one process, timed: the reference.
3. Runs the same file through Spark: `sc.textFile` in --partitions partitions, `RDD.pipe` of each
   partition through the same CLI reading stdin (`sentinelle triage --format jsonl -`), written
   with `saveAsTextFile`, on `local[--cores]`, timed from the job's start to its last file.
4. Checks the answer: both outputs sorted by id (every line starts with its id) must be byte-equal,
   line for line. Stops with the first difference.
5. Prints one JSON line: messages, seconds and messages per second for each, and per core.

Why the CLI and not a Python UDF: the engine is the same binary everywhere (one verdict per line,
no state across messages), so Spark only has to split the input, start one process per partition
and gather the lines; nothing is re-implemented or loaded into the JVM. See docs/SCALE.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def write_messages(corpus, n, path):
    texts = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                texts.append(json.loads(line)["text"])
    if not texts:
        sys.exit(f"{corpus}: no messages")
    with open(path, "w", encoding="utf-8") as out:
        for k in range(n):
            out.write(json.dumps({"id": f"s{k:07d}", "text": texts[k % len(texts)]}, ensure_ascii=False) + "\n")


def sorted_copy(srcs, dst):
    # GNU sort spills to disk: a million verdicts (about a gigabyte) need not fit in memory. Every
    # line starts with {"id":"s…", and the ids have the same width, so byte order is id order.
    subprocess.run(["sort", "-o", dst, *srcs], check=True, env={**os.environ, "LC_ALL": "C"})


def first_difference(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        for i, (la, lb) in enumerate(zip(fa, fb)):
            if la != lb:
                return f"line {i + 1} of the sorted outputs:\n  single: {la[:200]!r}\n  spark:  {lb[:200]!r}"
        rest_a, rest_b = fa.read(1), fb.read(1)
        if rest_a or rest_b:
            return "one output has more lines than the other"
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    p.add_argument("--partitions", type=int, default=0, help="default: 4 per core")
    p.add_argument("--corpus", default=os.path.join(ROOT, "target/bench/corpus.jsonl"))
    p.add_argument("--cli", default=os.path.join(ROOT, "target/release/sentinelle"))
    p.add_argument("--out", default=os.path.join(ROOT, "target/spark"))
    a = p.parse_args()
    partitions = a.partitions or 4 * a.cores
    os.makedirs(a.out, exist_ok=True)
    messages = os.path.join(a.out, "messages.jsonl")
    write_messages(a.corpus, a.messages, messages)

    # The reference: one process, one core.
    single = os.path.join(a.out, "single.jsonl")
    t = time.perf_counter()
    with open(single, "wb") as out:
        subprocess.run([a.cli, "triage", "--format", "jsonl", messages], stdout=out, check=True)
    single_s = time.perf_counter() - t

    from pyspark import SparkConf, SparkContext

    conf = (
        SparkConf()
        .setMaster(f"local[{a.cores}]")
        .setAppName("sentinelle-triage")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.showConsoleProgress", "false")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    spark_dir = os.path.join(a.out, "spark")
    shutil.rmtree(spark_dir, ignore_errors=True)
    try:
        t = time.perf_counter()
        # One CLI process per partition, reading the partition's lines on stdin; its verdicts, one
        # per line, are the partition's output. The CLI's exit status fails the task.
        (
            sc.textFile("file://" + messages, minPartitions=partitions)
            .pipe(f"{a.cli} triage --format jsonl -", checkCode=True)
            .saveAsTextFile("file://" + spark_dir)
        )
        spark_s = time.perf_counter() - t
        got_partitions = len([f for f in os.listdir(spark_dir) if f.startswith("part-")])
    finally:
        sc.stop()

    parts = [os.path.join(spark_dir, f) for f in sorted(os.listdir(spark_dir)) if f.startswith("part-")]
    single_sorted, spark_sorted = single + ".sorted", os.path.join(a.out, "spark.jsonl.sorted")
    sorted_copy([single], single_sorted)
    sorted_copy(parts, spark_sorted)
    diff = first_difference(single_sorted, spark_sorted)
    if diff:
        sys.exit(f"Spark's verdicts differ from the single process's (kept in {a.out}): {diff}")
    # Equal: the sorted copies (a gigabyte each at a million messages) have served.
    os.remove(single_sorted)
    os.remove(spark_sorted)
    with open(single, "rb") as f:
        lines = sum(1 for _ in f)
    if lines != a.messages:
        sys.exit(f"{lines} verdicts for {a.messages} messages")

    print(
        json.dumps(
            {
                "messages": a.messages,
                "cores": a.cores,
                "partitions": got_partitions,
                "single_s": round(single_s, 2),
                "single_msg_per_s": round(a.messages / single_s),
                "spark_s": round(spark_s, 2),
                "spark_msg_per_s": round(a.messages / spark_s),
                "spark_msg_per_s_per_core": round(a.messages / spark_s / a.cores),
                "per_core_vs_single": round(a.messages / spark_s / a.cores / (a.messages / single_s), 2),
                "equal": True,
            }
        )
    )


if __name__ == "__main__":
    main()
