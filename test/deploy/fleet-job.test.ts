/**
 * The Kubernetes Indexed Job runs one fleet in shards: the completion index becomes --shard, and
 * the shards' reports merged count the same as one run of the whole fleet, against the service
 * started as the manifest's Deployment starts it.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { freePort } from "../helpers/free-port.js";
import { startServe, stop, type ServeProcess } from "../mock-service/support/serve-process.js";

interface DeploymentSpec {
  kind: string;
  spec: { template: { spec: { containers: { args: string[]; env: SecretEnv[] }[] } } };
}

/** An environment variable taken from a Secret's key. */
interface SecretEnv {
  name: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface Resources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

interface JobSpec {
  kind: string;
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    template: {
      spec: {
        securityContext?: { runAsUser?: number; fsGroup?: number };
        initContainers?: { command: string[]; env: { name: string; value: string }[] }[];
        containers: { command: string[]; args: string[]; env: SecretEnv[]; resources?: Resources }[];
      };
    };
  };
}

const manifest = parseAllDocuments(readFileSync(new URL("../../deploy/k8s/fleet-job.yaml", import.meta.url), "utf8")).map((d) => d.toJS() as JobSpec);
const job = manifest.find((d) => d.kind === "Job")!;
const script = job.spec.template.spec.containers[0]!.args.join(" ");

const serviceDeployment = manifest.find((d) => d.kind === "Deployment") as unknown as DeploymentSpec;

/**
 * The Deployment's `aosp-sim serve` arguments, here listening on a free loopback port instead of
 * 0.0.0.0:8080 and giving devices that address instead of the cluster's service name (the
 * Secret's token comes in AOSP_SIM_ADMIN_TOKEN, as the manifest gives it).
 */
function serveArgs(): string[] {
  const args = serviceDeployment.spec.template.spec.containers[0]!.args;
  expect(args[0]).toBe("serve");
  return args
    .slice(1)
    .filter((a) => !a.startsWith("--public-url="))
    .map((a) => a.replace(/^--host=.*/, "--host=127.0.0.1").replace(/^--port=.*/, "--port=0"));
}

/** The fleet arguments of the job's script for one index, as the shell would expand them. */
function shardArgs(index: number, env: Record<string, string>): string[] {
  const command = script.replace(/\$\{JOB_COMPLETION_INDEX\}/g, String(index)).replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? "");
  const words = command.split(">")[0]!.match(/"[^"]*"|'[^']*'|\S+/g)!.map((w) => w.replace(/^(["'])(.*)\1$/, "$2"));
  return words.slice(words.indexOf("fleet"));
}

/**
 * The pod's wait-for-service container as Kubernetes would run it (its command, with node being
 * this Node), pointed at `url` instead of the cluster's service, allowed `waitSeconds`.
 */
function waitForService(url: string, waitSeconds: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const init = job.spec.template.spec.initContainers![0]!;
  const [program, ...args] = init.command.map((word) => word.replace("http://aosp-sim-service:8080", url));
  expect(program).toBe("node");
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, WAIT_SECONDS: String(waitSeconds) } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function option(args: string[], name: string): string {
  return args[args.indexOf(name) + 1]!;
}

describe("the Kubernetes fleet job", () => {
  it("is an Indexed Job whose completion index is the fleet's shard, out of as many shards as completions", () => {
    expect(job.spec.completionMode).toBe("Indexed");
    expect(job.spec.parallelism).toBe(job.spec.completions);
    for (let index = 0; index < job.spec.completions; index++) {
      const args = shardArgs(index, {});
      expect(option(args, "--shard")).toBe(`${index}/${job.spec.completions}`);
      expect(args).toContain("--json");
      // Each shard's JUnit file has a name of its own on the shared volume.
      expect(option(args, "--junit")).toBe(`/reports/shard-${index}.xml`);
    }
    // Every pod runs the same fleet: the same size and seed.
    expect(new Set([0, 1, 2, 3].map((i) => `${option(shardArgs(i, {}), "--devices")} ${option(shardArgs(i, {}), "--seed")}`)).size).toBe(1);
    expect(script).toMatch(/--service http:\/\/aosp-sim-service:8080/);
  });

  // A shard sizes its device threads to its container's CPU limit (agent/protocol/usable-cores.ts):
  // without one, a pod sees the node's cores and starts a thread for each.
  it("gives each shard a whole-core CPU limit equal to its request, and memory for its devices", () => {
    const resources = job.spec.template.spec.containers[0]!.resources;
    expect(resources?.limits?.cpu).toMatch(/^[1-9]\d*$/);
    expect(resources?.requests?.cpu).toBe(resources?.limits?.cpu);
    expect(resources?.limits?.memory).toMatch(/^\d+(Mi|Gi)$/);
  });

  // The image runs as `node` (uid and gid 1000 in the node images); a shard that cannot write to
  // the reports volume is refused before it runs, so the pod's group must be able to.
  // A :latest image is otherwise pulled every time, and one loaded into a local cluster is not in any registry.
  it("pulls the image only where a node lacks it, in every container", () => {
    const text = readFileSync(new URL("../../deploy/k8s/fleet-job.yaml", import.meta.url), "utf8");
    const images = [...text.matchAll(/^\s*image: (\S+)\n\s*imagePullPolicy: (\S+)$/gm)];
    expect(images.length).toBe((text.match(/^\s*image: /gm) ?? []).length);
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const [, , policy] of images) expect(policy).toBe("IfNotPresent");
  });

  // Before, the image left out the packages' signing certificates: `serve` (and a fleet's
  // embedded service) stopped at start with "certs/*.der not found", and every shard with it.
  it("copies into the image everything the npm package ships (the runtime's files)", () => {
    const dockerfile = readFileSync(new URL("../../deploy/Dockerfile", import.meta.url), "utf8");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const copied = [...runtime.matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1]!);
    const { files } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { files: string[] };
    for (const shipped of files.filter((f) => !f.startsWith("!"))) {
      expect(copied.some((path) => shipped === path || shipped.startsWith(`${path}/`)), `${shipped} is not copied into the image`).toBe(true);
    }
    expect(copied).toEqual(expect.arrayContaining(["package.json", "node_modules", "schemas", "mock-service/packages/certs"]));
  });

  it("runs the shards as the image's user, with the reports volume writable by its group", () => {
    expect(readFileSync(new URL("../../deploy/Dockerfile", import.meta.url), "utf8")).toMatch(/^USER node$/m);
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, fsGroup: 1000 });
  });

  // The Job's pods usually start before the service's pod is ready: each waits for it first.
  describe("waits for the service before a shard starts", { timeout: 60_000 }, () => {
    it("until GET /health answers, when the service comes up after the pod", async () => {
      const port = await freePort();
      const waiting = waitForService(`http://127.0.0.1:${port}`, 30);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const service = await startServe(["--port", String(port)]);
      try {
        const result = await waiting;
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`http://127.0.0.1:${port}/health: ready`);
      } finally {
        await stop(service, "SIGTERM");
      }
    });

    it("gives up after WAIT_SECONDS with the reason, exit 1", async () => {
      const result = await waitForService(`http://127.0.0.1:${await freePort()}`, 1);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/\/health: not ready after 1 s \(ECONNREFUSED\)/);
    });
  });

  // Arguments show in `ps` and the pod's spec, and `serve` printed a token it was given in its log.
  it("gives the Secret's admin token to the service and the shards in AOSP_SIM_ADMIN_TOKEN, never as an argument", () => {
    const fromSecret = { name: "AOSP_SIM_ADMIN_TOKEN", valueFrom: { secretKeyRef: { name: "aosp-sim-admin", key: "token" } } };
    for (const container of [serviceDeployment.spec.template.spec.containers[0]!, job.spec.template.spec.containers[0]!]) {
      expect(container.env).toContainEqual(fromSecret);
      expect(container.args.join(" ")).not.toMatch(/admin-token|TOKEN/);
    }
  });

  describe("run against one shared service, started as the manifest starts it", { timeout: 180_000 }, () => {
    const temp = deviceTempDir("aosp-fleet-job-");
    const TOKEN = "fleet-job-test-token";
    let service: ServeProcess;
    beforeAll(async () => {
      // The serve process takes its environment from this one, as the pod's from its spec.
      process.env["AOSP_SIM_ADMIN_TOKEN"] = TOKEN;
      try {
        service = await startServe(serveArgs());
      } finally {
        delete process.env["AOSP_SIM_ADMIN_TOKEN"];
      }
    });
    afterAll(async () => {
      if (service) await stop(service, "SIGTERM");
    });

    it("refuses a shard given the wrong admin token: one line naming it, exit 2", async () => {
      const args = shardArgs(0, {});
      args[args.indexOf("--service") + 1] = service.url;
      args[args.indexOf("--junit") + 1] = temp.file("refused.xml");
      const result = await aospSim(args, { env: { AOSP_SIM_ADMIN_TOKEN: "not-the-token" } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/AOSP_SIM_ADMIN_TOKEN: the service refused it/);
      // The service's first line is DESIGN.md's contract: the token it was given, from the environment too.
      expect(service.firstLine).toBe(`aosp-sim mock service listening on ${service.url} admin token ${TOKEN}`);
    });

    it("gives shard reports that merge to the counts of one run of the whole fleet", async () => {
      const faults = ["--fault", "service-5xx=0.3", "--fault", "wrong-wifi-key=0.15"];
      const local = (args: string[]) => {
        const out = [...args];
        out[out.indexOf("--devices") + 1] = "16";
        out[out.indexOf("--service") + 1] = service.url;
        // The shared volume's /reports is this test's temporary folder.
        out[out.indexOf("--junit") + 1] = temp.file(option(args, "--junit").replace("/reports/", ""));
        return [...out, ...faults, "--no-progress"];
      };
      const files: string[] = [];
      const shards = await Promise.all(
        Array.from({ length: job.spec.completions }, (_, i) => aospSim(local(shardArgs(i, {})), { env: { AOSP_SIM_ADMIN_TOKEN: TOKEN } })),
      );
      shards.forEach((r, i) => {
        // Devices failed (the faults above), yet the shard completes its index: the merge gates.
        expect(r.code, r.stderr).toBe(0);
        files.push(temp.file(`shard-${i}.json`));
        writeFileSync(files[i]!, r.stdout);
      });
      // The shards' JUnit files together hold a test case per device of the fleet, each once.
      const xmls = shards.map((_, i) => readFileSync(temp.file(`shard-${i}.xml`), "utf8"));
      const cases = xmls.flatMap((xml) => [...xml.matchAll(/<testcase classname="aosp-sim.fleet" name="([^"]+)"/g)].map((c) => c[1]));
      expect(cases).toHaveLength(16);
      expect(new Set(cases).size).toBe(16);
      // Each shard's threshold, which always passes (the merge gates), is a passing test case of its own, named by its shard.
      xmls.forEach((xml, i) => {
        const names = [...xml.matchAll(/<testcase classname="aosp-sim.fleet.thresholds" name="([^"]+)" time="0"\/>/g)].map((c) => c[1]);
        expect(names).toEqual([`failed&lt;=100% (shard ${i}/${job.spec.completions})`]);
      });
      const mergedJunit = temp.file("fleet.xml");
      const merged = await aospSim(["merge-reports", ...files, "--json", "--junit", mergedJunit]);
      expect(merged.code, merged.stderr).not.toBe(2);
      // The merge's own JUnit file: every device of the fleet reported.
      expect(readFileSync(mergedJunit, "utf8")).toContain('<testcase classname="aosp-sim.fleet.merge" name="every device of the fleet reported (16 of 16)" time="0"/>');
      // The merge as the manifest and the README say to run it, in the reports pod: its shell
      // command with this test's folder for the volume and this build for the image's.
      const mergeCommand = (text: string) => /kubectl exec aosp-sim-reports -- sh -c '([^']+)'/.exec(text)?.[1];
      const manifestText = readFileSync(new URL("../../deploy/k8s/fleet-job.yaml", import.meta.url), "utf8");
      const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
      expect(mergeCommand(manifestText)).toBeDefined();
      expect(mergeCommand(readme)).toBe(mergeCommand(manifestText));
      const dist = new URL("../../dist/", import.meta.url).pathname;
      const gate = await new Promise<number>((resolve) => {
        execFile("sh", ["-c", mergeCommand(manifestText)!.replaceAll("/app/dist/", dist).replaceAll("/reports/", `${dirname(temp.file("x"))}/`)], (error) => resolve(error ? Number(error.code) : 0));
      });
      // The faults above fail more than 1 % of the devices: the gate is closed, the reports written.
      expect(gate).toBe(1);
      expect(readFileSync(temp.file("fleet.html"), "utf8")).toMatch(/^<!doctype html>/);
      const reportsPod = manifest.find((d) => d.kind === "Pod") as unknown as { spec: { containers: { volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string; persistentVolumeClaim: { claimName: string } }[] } };
      expect(reportsPod.spec.containers[0]!.volumeMounts).toEqual([{ name: "reports", mountPath: "/reports" }]);
      expect(reportsPod.spec.volumes).toEqual([{ name: "reports", persistentVolumeClaim: { claimName: "aosp-sim-reports" } }]);
      const whole = await aospSim(local([...shardArgs(0, {})]).map((a) => (a === "0/4" ? "0/1" : a)), { env: { AOSP_SIM_ADMIN_TOKEN: TOKEN } });
      const m = JSON.parse(merged.stdout) as Record<string, unknown>;
      const w = JSON.parse(whole.stdout) as Record<string, unknown>;
      for (const key of ["devices", "enrolled", "failed", "failedByReason", "faults"]) expect(m[key], key).toEqual(w[key]);
      expect(m["devices"]).toBe(16);
      expect(m["shards"]).toEqual(["0/4", "1/4", "2/4", "3/4"]);
      expect(m["enrolled"]).toBeGreaterThan(0);
      expect((m["phases"] as { total: { count: number } }).total.count).toBe(m["enrolled"]);
    });
  });
});
