package org.trialfhir.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: c worker threads, each issuing operations back to back (no think time), chosen
 * by weight with a per-worker random generator derived from the seed. A warm-up phase runs first
 * and is not counted; the measured phase ends at the duration or after the maximum number of
 * measured operations, whichever comes first. Every measured operation's latency is kept.
 */
final class LoadRunner {

  /** What one operation did: how many HTTP requests it made and, when it failed, why. */
  record Outcome(int httpRequests, String error, String message) {
    static Outcome ok(int httpRequests) {
      return new Outcome(httpRequests, null, null);
    }

    static Outcome failed(int httpRequests, String error, String message) {
      return new Outcome(httpRequests, error, message);
    }
  }

  /** One operation of the load, run by many threads at once. */
  @FunctionalInterface
  interface Call {
    Outcome run(SplittableRandom random) throws InterruptedException;
  }

  /** A weighted operation; {@code detail} is what it requests (a template, a URL). */
  record Operation(String name, int weight, String detail, Call call) {}

  /** Limits of one run. */
  record Limits(int concurrency, Duration warmup, Duration duration, long maxRequests, long seed) {}

  private final List<Operation> operations;
  private final Limits limits;

  LoadRunner(List<Operation> operations, Limits limits) {
    this.operations = List.copyOf(operations);
    this.limits = limits;
  }

  /** What every worker recorded, merged. */
  record Run(
      Instant startedAt,
      double elapsedSeconds,
      boolean stoppedByCount,
      long warmupErrors,
      List<TypeRecord> types) {}

  /** The measured record of one operation. */
  record TypeRecord(
      Operation operation,
      LatencyStats.Recorder latencies,
      long httpRequests,
      Map<String, Long> errors,
      List<String> examples) {}

  /** One worker's records, one per operation. */
  private final class Worker implements Runnable {
    final SplittableRandom random;
    final List<TypeRecord> records = new ArrayList<>();
    final long measureFrom;
    final long end;
    final AtomicLong measured;
    final AtomicLong warmupErrors;
    volatile boolean stoppedByCount;
    Throwable failure;

    Worker(long seed, long measureFrom, long end, AtomicLong measured, AtomicLong warmupErrors) {
      this.random = new SplittableRandom(seed);
      this.measureFrom = measureFrom;
      this.end = end;
      this.measured = measured;
      this.warmupErrors = warmupErrors;
      for (Operation operation : operations) {
        records.add(
            new TypeRecord(
                operation,
                new LatencyStats.Recorder(),
                0,
                new LinkedHashMap<>(),
                new ArrayList<>()));
      }
    }

    @Override
    public void run() {
      int total = operations.stream().mapToInt(Operation::weight).sum();
      long[] requests = new long[operations.size()];
      try {
        while (true) {
          long start = System.nanoTime();
          if (start - end >= 0) {
            break;
          }
          boolean counted = start - measureFrom >= 0;
          if (counted && measured.incrementAndGet() > limits.maxRequests()) {
            stoppedByCount = true;
            break;
          }
          int index = choose(random.nextInt(total));
          Outcome outcome = operations.get(index).call().run(random);
          long nanos = System.nanoTime() - start;
          if (!counted) {
            if (outcome.error() != null) {
              warmupErrors.incrementAndGet();
            }
            continue;
          }
          TypeRecord record = records.get(index);
          record.latencies().record(nanos);
          requests[index] += outcome.httpRequests();
          if (outcome.error() != null) {
            record.errors().merge(outcome.error(), 1L, Long::sum);
            if (record.examples().size() < 3) {
              record.examples().add(outcome.error() + ": " + outcome.message());
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      for (int i = 0; i < records.size(); i++) {
        TypeRecord record = records.get(i);
        records.set(
            i,
            new TypeRecord(
                record.operation(),
                record.latencies(),
                requests[i],
                record.errors(),
                record.examples()));
      }
    }
  }

  private int choose(int ticket) {
    for (int i = 0; i < operations.size(); i++) {
      ticket -= operations.get(i).weight();
      if (ticket < 0) {
        return i;
      }
    }
    throw new IllegalStateException("weights changed");
  }

  /** Runs the warm-up and the measured phase; returns when every worker has stopped. */
  Run run() throws InterruptedException {
    Instant startedAt = Instant.now();
    long now = System.nanoTime();
    long measureFrom = now + limits.warmup().toNanos();
    long end = measureFrom + limits.duration().toNanos();
    AtomicLong measured = new AtomicLong();
    AtomicLong warmupErrors = new AtomicLong();
    SplittableRandom seeds = new SplittableRandom(limits.seed());
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < limits.concurrency(); i++) {
      Worker worker = new Worker(seeds.nextLong(), measureFrom, end, measured, warmupErrors);
      workers.add(worker);
      Thread thread = new Thread(worker, "bench-worker-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    long stopped = System.nanoTime();
    for (Worker worker : workers) {
      if (worker.failure != null) {
        throw new IllegalStateException("a bench worker failed", worker.failure);
      }
    }
    double elapsed = Math.max(0, stopped - Math.min(measureFrom, stopped)) / 1e9;
    List<TypeRecord> merged = new ArrayList<>();
    for (int i = 0; i < operations.size(); i++) {
      LatencyStats.Recorder latencies = new LatencyStats.Recorder();
      Map<String, Long> errors = new LinkedHashMap<>();
      List<String> examples = new ArrayList<>();
      long requests = 0;
      for (Worker worker : workers) {
        TypeRecord record = worker.records.get(i);
        latencies.addAll(record.latencies());
        requests += record.httpRequests();
        record.errors().forEach((kind, count) -> errors.merge(kind, count, Long::sum));
        record.examples().stream().limit(Math.max(0, 3 - examples.size())).forEach(examples::add);
      }
      merged.add(new TypeRecord(operations.get(i), latencies, requests, errors, examples));
    }
    boolean byCount = workers.stream().anyMatch(worker -> worker.stoppedByCount);
    return new Run(startedAt, elapsed, byCount, warmupErrors.get(), merged);
  }
}
