import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../infra/lib/app.js";
import { InfraConfigError, readInfraConfig } from "../../infra/lib/config.js";
import { SES_EVENT_DETAIL_TYPES, TABLE_ITEM_ACTIONS } from "../../infra/lib/exec-intel-stack.js";

// The CDK app synthesized in-process (into temp dirs, never inside the repo) and checked with
// aws-cdk-lib/assertions, cdk-nag and the CDK validation report; plus one run of the real CLI.

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const INFRA = join(REPO, "infra");
const SENDER = "reports@example.com";
const REPLY = "replies@example.com";

/**
 * Actions IAM only authorizes on Resource "*" (they have no resource type), each granted alone
 * in its statement. ses:GetAccount: the SES transport reads the account's send quota to pace
 * itself (src/adapters/deliver/ses-transport.ts); it is read-only.
 */
const ACTIONS_ONLY_ON_STAR = ["ses:GetAccount"];

/** Everything acknowledged in the app, as "<construct path> <rule id>": the accepted findings. */
const ACCEPTED_FINDINGS = [
  "ExecIntel/AccessLogBucket Annotation::AwsSolutions-S1",
  "ExecIntel/InvocationDlq Annotation::AwsSolutions-SQS3",
  "ExecIntel/ScheduledRole Annotation::AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/workspace/*]",
  "ExecIntel/WorkerRole Annotation::AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/workspace/*]",
  "ExecIntel/WorkerRole Annotation::AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/archive/*]",
  "ExecIntel/WorkerRole Annotation::AwsSolutions-IAM5[Resource::*]",
  "ExecIntel/InboundRole Annotation::AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/inbound/*]",
  "ExecIntel/WorkspaceSecrets Annotation::AwsSolutions-SMG4",
].sort();

/** What `Secret.grantRead` gives a role (the secret has no customer KMS key): read, on its ARN. */
const SECRET_READ_ACTIONS = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"];
/** The workspace secret's ARN as the template references it. */
const SECRET_REF = { Ref: expect.stringMatching(/^WorkspaceSecrets[0-9A-F]{8}$/) };

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> } & object>;

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const json = (value: unknown) => JSON.stringify(value);

let tmp: string;
let assetDir: string;

interface Synth {
  app: cdk.App;
  outdir: string;
  template: Template;
  resources: Resources;
  messages: { level: string; id: string; entry: { data?: unknown } }[];
}

function synth(name: string, context: Record<string, unknown>): Synth {
  const outdir = join(tmp, name);
  const { app, stack } = createApp({
    context: { lambdaAssetDir: assetDir, senderIdentity: SENDER, ...context },
    outdir,
  });
  // Synthesis runs the registered validation plugins (cdk-nag, CloudFormation Validate) and
  // throws on any unacknowledged error, so reaching the next line is itself an assertion.
  const artifact = app.synth().getStackByName(stack.stackName);
  const template = Template.fromJSON(artifact.template);
  return {
    app,
    outdir,
    template,
    resources: template.toJSON().Resources as Resources,
    messages: artifact.messages as Synth["messages"],
  };
}

function ofType(resources: Resources, type: string) {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** The one resource of a type whose logical id starts with a prefix. */
function only(resources: Resources, type: string, prefix: string) {
  const found = ofType(resources, type).filter(([id]) => id.startsWith(prefix));
  const [first] = found;
  if (found.length !== 1 || first === undefined) {
    throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
  }
  return first;
}

/** Every identity-policy statement, by the logical id of the role it is attached to. */
function statementsByRole(resources: Resources): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  for (const [, policy] of ofType(resources, "AWS::IAM::Policy")) {
    const props = policy.Properties as {
      PolicyDocument: { Statement: Statement[] };
      Roles: { Ref: string }[];
    };
    for (const role of props.Roles) {
      byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...props.PolicyDocument.Statement]);
    }
  }
  for (const [id, role] of ofType(resources, "AWS::IAM::Role")) {
    const inline = (role.Properties.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[];
    for (const p of inline)
      byRole.set(id, [...(byRole.get(id) ?? []), ...p.PolicyDocument.Statement]);
  }
  return byRole;
}

function roleOf(resources: Resources, functionPrefix: string): string {
  const found = ofType(resources, "AWS::Lambda::Function").find(([id]) =>
    id.startsWith(functionPrefix),
  );
  if (found === undefined) throw new Error(`no function ${functionPrefix}`);
  return (found[1].Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
}

const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((s) => list(s.Action)))].sort();

let full: Synth;
let minimal: Synth;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "exec-intel-infra-"));
  assetDir = join(tmp, "dist-lambda");
  mkdirSync(assetDir);
  writeFileSync(
    join(assetDir, "index.mjs"),
    "export const scheduled = async () => {};\nexport const worker = async () => ({ batchItemFailures: [] });\nexport const sesEvents = async () => {};\nexport const inbound = async () => {};\n",
  );
  full = synth("full", { replyRecipient: REPLY });
  minimal = synth("minimal", {
    scheduleExpression: "cron(30 7 1 * ? *)",
    scheduleTimezone: "Europe/Berlin",
    logRetentionDays: "400",
  });
}, 60_000);

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe("exec-intel stack: resources", () => {
  it("has the expected resources and no custom resources or helper functions", () => {
    const t = full.template;
    t.resourceCountIs("AWS::Lambda::Function", 4);
    t.resourceCountIs("AWS::Logs::LogGroup", 4);
    t.resourceCountIs("AWS::IAM::Role", 5); // four functions + the scheduler
    t.resourceCountIs("AWS::SQS::Queue", 3); // work queue, its DLQ, the invocation DLQ
    t.resourceCountIs("AWS::DynamoDB::Table", 1);
    t.resourceCountIs("AWS::S3::Bucket", 2); // data + access logs
    t.resourceCountIs("AWS::Scheduler::Schedule", 1);
    t.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    t.resourceCountIs("AWS::SES::ConfigurationSet", 1);
    t.resourceCountIs("AWS::SES::ConfigurationSetEventDestination", 1);
    t.resourceCountIs("AWS::Events::Rule", 1);
    t.resourceCountIs("AWS::SES::ReceiptRuleSet", 1);
    t.resourceCountIs("AWS::SES::ReceiptRule", 1);
    t.resourceCountIs("AWS::SecretsManager::Secret", 1);
    const types = Object.values(full.resources).map((r) => r.Type);
    expect(
      types.filter(
        (type) => type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource",
      ),
    ).toEqual([]);
  });

  it("builds four functions from the one asset, each with its handler, log group and environment", () => {
    const fns = ofType(full.resources, "AWS::Lambda::Function");
    const byHandler = new Map(
      fns.map(([id, fn]) => [fn.Properties.Handler as string, { id, ...fn }]),
    );
    expect([...byHandler.keys()].sort()).toEqual([
      "index.inbound",
      "index.scheduled",
      "index.sesEvents",
      "index.worker",
    ]);
    const codes = new Set(
      fns.map(([, fn]) => json((fn.Properties.Code as { S3Key: unknown }).S3Key)),
    );
    expect(codes.size).toBe(1);
    const logGroups = new Set<string>();
    for (const [handler, fn] of byHandler) {
      const p = fn.Properties as Record<string, unknown> & {
        Environment: { Variables: Record<string, unknown> };
        LoggingConfig: { LogGroup: { Ref: string } };
      };
      expect(p.Runtime).toBe("nodejs24.x");
      // x86_64: the bundle ships resvg's native binding for the (x86_64) build machine.
      expect(p.Architectures).toEqual(["x86_64"]);
      const vars = p.Environment.Variables;
      expect(vars.EXEC_INTEL_TABLE).toEqual({ Ref: expect.stringMatching(/^Table/) });
      expect(vars.EXEC_INTEL_BUCKET).toEqual({ Ref: expect.stringMatching(/^DataBucket/) });
      expect(vars.EXEC_INTEL_WORKSPACE_PREFIX).toBe("workspace/");
      expect(vars.EXEC_INTEL_ARCHIVE_PREFIX).toBe("archive/");
      expect(vars.EXEC_INTEL_INBOUND_PREFIX).toBe("inbound/");
      expect(vars.EXEC_INTEL_SES_CONFIGURATION_SET).toEqual({
        Ref: expect.stringMatching(/^ConfigurationSet/),
      });
      expect(vars.EXEC_INTEL_FROM).toBe(SENDER);
      expect(vars.EXEC_INTEL_SECRETS_ARN).toEqual(SECRET_REF);
      if (handler === "index.scheduled") {
        expect(vars.EXEC_INTEL_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^WorkQueue/) });
      } else {
        expect(vars.EXEC_INTEL_QUEUE_URL).toBeUndefined();
      }
      logGroups.add(p.LoggingConfig.LogGroup.Ref);
    }
    expect(logGroups.size).toBe(4);
    const worker = byHandler.get("index.worker")?.Properties as {
      Timeout: number;
      MemorySize: number;
    };
    expect(worker.Timeout).toBe(600);
    expect(worker.MemorySize).toBeGreaterThanOrEqual(1024);
    expect(worker.MemorySize).toBeLessThanOrEqual(2048);
  });

  it("keeps each log group for the configured retention, and retains it", () => {
    for (const [, group] of ofType(full.resources, "AWS::Logs::LogGroup")) {
      expect(group.Properties.RetentionInDays).toBe(365);
      expect(group).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    }
    for (const [, group] of ofType(minimal.resources, "AWS::Logs::LogGroup")) {
      expect(group.Properties.RetentionInDays).toBe(400);
    }
  });

  it("runs the schedule as an hourly heartbeat by default, retrying into a DLQ", () => {
    // Each tenant's schedule in the workspace config decides what is due; the Scheduler only
    // makes `scheduled` look (and retry waiting runs) once an hour.
    full.template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 hour)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      State: "ENABLED",
      Target: {
        Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^Scheduled"), "Arn"] },
        RoleArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^SchedulerRole"), "Arn"] },
        RetryPolicy: {
          MaximumRetryAttempts: Match.anyValue(),
          MaximumEventAgeInSeconds: Match.anyValue(),
        },
        DeadLetterConfig: {
          Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^InvocationDlq"), "Arn"] },
        },
        Input: Match.serializedJson(
          Match.objectLike({ scheduledTime: "<aws.scheduler.scheduled-time>" }),
        ),
      },
    });
  });

  it("honours a configured schedule expression and time zone", () => {
    // `minimal` passes scheduleExpression and scheduleTimezone as context explicitly.
    minimal.template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(30 7 1 * ? *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
    });
  });

  it("lets the scheduler role invoke only the scheduled function (and dead-letter)", () => {
    const [roleId, role] = only(full.resources, "AWS::IAM::Role", "SchedulerRole");
    expect(json(role.Properties.AssumeRolePolicyDocument)).toContain("scheduler.amazonaws.com");
    expect(json(role.Properties.AssumeRolePolicyDocument)).toContain("aws:SourceAccount");
    const statements = statementsByRole(full.resources).get(roleId) ?? [];
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      [
        "lambda:InvokeFunction",
        { "Fn::GetAtt": [expect.stringMatching(/^Scheduled[0-9A-F]{8}$/), "Arn"] },
      ],
      ["sqs:SendMessage", { "Fn::GetAtt": [expect.stringMatching(/^InvocationDlq/), "Arn"] }],
    ]);
  });

  it("feeds the worker from an encrypted, TLS-only queue with a redrive to its DLQ", () => {
    const t = full.template;
    t.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 3600, // 6 x the worker's 600 s
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        maxReceiveCount: 3,
        deadLetterTargetArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^WorkDlq"), "Arn"] },
      },
    });
    for (const [, queue] of ofType(full.resources, "AWS::SQS::Queue")) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const policies = ofType(full.resources, "AWS::SQS::QueuePolicy");
    expect(policies).toHaveLength(3);
    for (const [, policy] of policies) {
      expect(json(policy.Properties)).toContain('"aws:SecureTransport":"false"');
    }
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      FunctionName: { Ref: Match.stringLikeRegexp("^Worker") },
      EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^WorkQueue"), "Arn"] },
    });
  });

  it("keeps state in one on-demand pk/sk table with PITR, TTL and deletion protection", () => {
    full.template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it("keeps the workspace's secrets in one retained Secrets Manager secret, not rotated", () => {
    for (const synthesized of [full, minimal]) {
      const [, secret] = only(
        synthesized.resources,
        "AWS::SecretsManager::Secret",
        "WorkspaceSecrets",
      );
      expect(secret).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
      // An empty JSON object to start with, never a generated password: functions parse it.
      expect(secret.Properties.SecretString).toBe("{}");
      expect(secret.Properties.GenerateSecretString).toBeUndefined();
      // Third-party credentials exec-intel cannot rotate (AwsSolutions-SMG4 is acknowledged).
      synthesized.template.resourceCountIs("AWS::SecretsManager::RotationSchedule", 0);
      synthesized.template.resourceCountIs("AWS::SecretsManager::ResourcePolicy", 0);
    }
  });

  it("stores everything in one encrypted, private, versioned, TLS-only, retained bucket with access logs", () => {
    const buckets = ofType(full.resources, "AWS::S3::Bucket");
    for (const [, bucket] of buckets) {
      expect(bucket).toMatchObject({
        DeletionPolicy: "Retain",
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        },
      });
    }
    const [, data] = only(full.resources, "AWS::S3::Bucket", "DataBucket");
    expect(data.Properties.VersioningConfiguration).toEqual({ Status: "Enabled" });
    expect(data.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogBucket/) },
      LogFilePrefix: "data-bucket/",
    });
    expect(data.Properties.ObjectLockEnabled).toBeUndefined(); // deliberately off, see the stack
    for (const [, policy] of ofType(full.resources, "AWS::S3::BucketPolicy")) {
      expect(json(policy.Properties)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it("publishes SES sending events through the configuration set to sesEvents", () => {
    const t = full.template;
    t.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      ConfigurationSetName: { Ref: Match.stringLikeRegexp("^ConfigurationSet") },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ["send", "delivery", "bounce", "complaint", "reject", "deliveryDelay"],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      },
    });
    const [, destination] = only(full.resources, "AWS::SES::ConfigurationSetEventDestination", "");
    expect(json(destination.Properties)).toContain(":event-bus/default");
    t.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.ses"],
        "detail-type": [...SES_EVENT_DETAIL_TYPES],
        detail: {
          mail: {
            tags: {
              "ses:configuration-set": [{ Ref: Match.stringLikeRegexp("^ConfigurationSet") }],
            },
          },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^SesEvents"), "Arn"] },
          DeadLetterConfig: {
            Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^InvocationDlq"), "Arn"] },
          },
        }),
      ],
    });
  });

  it("receives replies into inbound/ and then invokes inbound, only when a reply recipient is set", () => {
    full.template.hasResourceProperties("AWS::SES::ReceiptRule", {
      Rule: {
        Enabled: true,
        Recipients: [REPLY],
        ScanEnabled: true,
        TlsPolicy: "Require",
        Actions: [
          {
            S3Action: {
              BucketName: { Ref: Match.stringLikeRegexp("^DataBucket") },
              ObjectKeyPrefix: "inbound/",
            },
          },
          {
            LambdaAction: {
              FunctionArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^Inbound"), "Arn"] },
              InvocationType: "Event",
            },
          },
        ],
      },
    });
    const sesWrites = ofType(full.resources, "AWS::S3::BucketPolicy")
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => json(s.Principal).includes("ses.amazonaws.com"));
    expect(sesWrites).toHaveLength(1);
    expect(sesWrites[0]?.Action).toBe("s3:PutObject");
    expect(json(sesWrites[0]?.Resource)).toContain("/inbound/*");
    expect(json(sesWrites[0]?.Condition)).toContain("aws:SourceAccount");
    full.template.hasResourceProperties("AWS::Lambda::Permission", {
      Principal: "ses.amazonaws.com",
      FunctionName: { "Fn::GetAtt": [Match.stringLikeRegexp("^Inbound"), "Arn"] },
      SourceAccount: { Ref: "AWS::AccountId" },
    });

    minimal.template.resourceCountIs("AWS::SES::ReceiptRuleSet", 0);
    minimal.template.resourceCountIs("AWS::SES::ReceiptRule", 0);
    expect(json(minimal.resources)).not.toContain("ses.amazonaws.com");
    minimal.template.resourceCountIs("AWS::Lambda::Function", 4);
  });

  it("outputs the table, bucket, queue, secret, scheduled function and configuration set (and the rule set to activate)", () => {
    const functionId = (fn: string) =>
      ofType(full.resources, "AWS::Lambda::Function").find(([id]) => id.startsWith(fn))?.[0];
    const outputs = full.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      "BucketName",
      "ConfigurationSetName",
      "QueueUrl",
      "ReceiptRuleSetName",
      "ScheduledFunctionName",
      "TableName",
      "WorkspaceSecretsArn",
    ]);
    const minimalOutputs = minimal.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(minimalOutputs).sort()).toEqual([
      "BucketName",
      "ConfigurationSetName",
      "QueueUrl",
      "ScheduledFunctionName",
      "TableName",
      "WorkspaceSecretsArn",
    ]);
    for (const o of [outputs, minimalOutputs]) {
      expect(o.WorkspaceSecretsArn?.Value).toEqual(SECRET_REF);
      expect(o.ScheduledFunctionName?.Value).toEqual({ Ref: functionId("Scheduled") });
    }
  });
});

describe("exec-intel stack: IAM least privilege", () => {
  it("has no wildcard action anywhere, and Resource '*' only for actions that require it", () => {
    for (const synthesized of [full, minimal]) {
      const byRole = statementsByRole(synthesized.resources);
      expect(byRole.size).toBe(5);
      for (const [role, statements] of byRole) {
        for (const s of statements) {
          const where = `${role} ${json(s)}`;
          expect(s.Effect, where).toBe("Allow");
          for (const action of list(s.Action)) {
            expect(action, where).not.toContain("*");
            expect(action, where).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
          }
          for (const resource of list(s.Resource)) {
            if (resource === "*") {
              expect(ACTIONS_ONLY_ON_STAR, where).toEqual(expect.arrayContaining(list(s.Action)));
            }
          }
        }
      }
      // Resource policies: the only wildcard actions are the Deny-without-TLS statements.
      for (const type of ["AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"]) {
        for (const [, policy] of ofType(synthesized.resources, type)) {
          for (const s of (policy.Properties.PolicyDocument as { Statement: Statement[] })
            .Statement) {
            if (s.Effect === "Deny") {
              expect(s.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
              continue;
            }
            expect(json(s.Action)).not.toContain("*");
            expect(json(s.Principal)).not.toContain('"*"');
            expect(s.Condition, json(s)).toBeDefined();
          }
        }
      }
    }
  });

  it("grants each function exactly its own actions", () => {
    const byRole = statementsByRole(full.resources);
    const actions = (fn: string) => actionsOf(byRole.get(roleOf(full.resources, fn)) ?? []);
    const logs = ["logs:CreateLogStream", "logs:PutLogEvents"];
    const table = [...TABLE_ITEM_ACTIONS];
    // scheduled reads and writes the schedule store (first-seen marks, claims) in the table.
    // It reads the config too, whose ${VAR}s may name the workspace's secrets.
    expect(actions("Scheduled")).toEqual(
      [
        ...logs,
        ...table,
        "s3:GetObject",
        "s3:ListBucket",
        ...SECRET_READ_ACTIONS,
        "sqs:SendMessage",
      ].sort(),
    );
    expect(actions("Worker")).toEqual(
      [
        ...logs,
        ...table,
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
        ...SECRET_READ_ACTIONS,
        "ses:GetAccount",
        "ses:SendEmail",
        "ses:SendRawEmail",
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
      ].sort(),
    );
    expect(actions("SesEvents")).toEqual([...logs, ...table, "sqs:SendMessage"].sort());
    expect(actions("Inbound")).toEqual(
      [
        ...logs,
        ...table,
        "s3:GetObject",
        "s3:ListBucket",
        ...SECRET_READ_ACTIONS,
        "sqs:SendMessage",
      ].sort(),
    );
  });

  it("lets exactly scheduled, worker and inbound read the workspace secret, and only that secret", () => {
    for (const synthesized of [full, minimal]) {
      const byRole = statementsByRole(synthesized.resources);
      const secretStatements = (fn: string) =>
        (byRole.get(roleOf(synthesized.resources, fn)) ?? []).filter((s) =>
          list(s.Action).some((a) => a.startsWith("secretsmanager:")),
        );
      for (const fn of ["Scheduled", "Worker", "Inbound"]) {
        const statements = secretStatements(fn);
        expect(statements, fn).toHaveLength(1);
        expect([...list(statements[0]?.Action ?? [])].sort(), fn).toEqual(SECRET_READ_ACTIONS);
        expect(statements[0]?.Resource, fn).toEqual(SECRET_REF);
        expect(statements[0]?.Condition, fn).toBeUndefined();
      }
      expect(secretStatements("SesEvents")).toEqual([]);
      // No other role (the scheduler's) and no statement anywhere else names the secret.
      const readers = [...byRole]
        .filter(([, statements]) => json(statements).includes('"Ref":"WorkspaceSecrets'))
        .map(([role]) => role)
        .sort();
      expect(readers).toEqual(
        ["Inbound", "Scheduled", "Worker"].map((fn) => roleOf(synthesized.resources, fn)).sort(),
      );
    }
  });

  it("scopes S3 to prefixes (and inbound's config read to two keys), DynamoDB to the table and SES to the identity and configuration set", () => {
    const inboundRole = roleOf(full.resources, "Inbound");
    const dataBucketKey = (key: string) => ({
      "Fn::Join": [
        "",
        [{ "Fn::GetAtt": [expect.stringMatching(/^DataBucket[0-9A-F]{8}$/), "Arn"] }, key],
      ],
    });
    let configReads = 0;
    for (const [role, statements] of statementsByRole(full.resources)) {
      for (const s of statements) {
        const actions = list(s.Action);
        const resources = list(s.Resource).map(json);
        const where = `${role} ${json(s)}`;
        if (role === inboundRole && s.Sid === "ListWorkspaceConfig") {
          // Listing exactly the two config keys, so a missing .env is a 404, not a 403.
          expect(actions, where).toEqual(["s3:ListBucket"]);
          expect(resources[0], where).toMatch(
            /^\{"Fn::GetAtt":\["DataBucket[0-9A-F]{8}","Arn"\]\}$/,
          );
          expect(s.Condition, where).toEqual({
            StringEquals: { "s3:prefix": ["workspace/exec-intel.yaml", "workspace/.env"] },
          });
        } else if (actions.includes("s3:ListBucket")) {
          expect(actions, where).toEqual(["s3:ListBucket"]);
          expect(resources, where).toHaveLength(1);
          expect(resources[0], where).toMatch(
            /^\{"Fn::GetAtt":\["DataBucket[0-9A-F]{8}","Arn"\]\}$/,
          );
          const prefixes = list(s.Condition?.StringLike?.["s3:prefix"] as string | string[]);
          expect(prefixes.length, where).toBeGreaterThan(0);
          for (const p of prefixes) expect(["workspace/*", "archive/*"], where).toContain(p);
        } else if (role === inboundRole && s.Sid === "ReadWorkspaceConfig") {
          // inbound reads the workspace config (for the reply-token secret's name): exactly the
          // two files, never the workspace/ prefix.
          configReads += 1;
          expect(actions, where).toEqual(["s3:GetObject"]);
          expect(s.Resource, where).toEqual([
            dataBucketKey("/workspace/exec-intel.yaml"),
            dataBucketKey("/workspace/.env"),
          ]);
        } else if (actions.some((a) => a.startsWith("s3:"))) {
          for (const r of resources) expect(r, where).toMatch(/\/(workspace|archive|inbound)\/\*"/);
          if (actions.includes("s3:PutObject")) {
            for (const r of resources) expect(r, where).toContain("/archive/*");
          }
        }
        if (actions.some((a) => a.startsWith("dynamodb:"))) {
          expect(resources, where).toHaveLength(1);
          expect(resources[0], where).toMatch(/^\{"Fn::GetAtt":\["Table[0-9A-F]{8}","Arn"\]\}$/);
        }
        if (actions.some((a) => a.startsWith("ses:Send"))) {
          expect(actions.sort(), where).toEqual(["ses:SendEmail", "ses:SendRawEmail"]);
          expect(resources, where).toHaveLength(2);
          expect(resources[0], where).toContain(`:identity/${SENDER}`);
          expect(resources[0], where).toContain('"Ref":"AWS::Partition"');
          expect(resources[0], where).toContain('"Ref":"AWS::Region"');
          expect(resources[0], where).toContain('"Ref":"AWS::AccountId"');
          expect(resources[1], where).toContain(":configuration-set/");
          expect(resources[1], where).toMatch(/"Ref":"ConfigurationSet[0-9A-F]{8}"/);
        }
        if (actions.some((a) => a.startsWith("secretsmanager:"))) {
          expect([...actions].sort(), where).toEqual(SECRET_READ_ACTIONS);
          expect(s.Resource, where).toEqual(SECRET_REF);
        }
      }
    }
    expect(configReads).toBe(1);
  });
});

describe("exec-intel stack: cdk-nag and validation", () => {
  it("leaves no unacknowledged cdk-nag error or warning", () => {
    for (const synthesized of [full, minimal]) {
      const report = new AwsSolutionsChecks().validateScope(synthesized.app);
      expect(
        report.violations.map(
          (v) =>
            `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(",")}`,
        ),
      ).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it("acknowledges exactly the accepted findings, each with a reason", () => {
    const acknowledged: string[] = [];
    for (const construct of full.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          expect(reason.length, id).toBeGreaterThan(40);
          acknowledged.push(`${construct.node.path} ${id}`);
        }
      }
    }
    expect(acknowledged.sort()).toEqual(ACCEPTED_FINDINGS);
  });

  it("reports no open validation finding and no CDK warning or error", () => {
    const report = JSON.parse(
      readFileSync(join(full.outdir, "validation-report.json"), "utf8"),
    ) as {
      pluginReports: {
        pluginName: string;
        violations: unknown[];
        suppressedViolations?: { ruleName: string }[];
      }[];
    };
    for (const plugin of report.pluginReports) {
      expect(plugin.violations, plugin.pluginName).toEqual([]);
    }
    const suppressed = report.pluginReports.flatMap((p) =>
      (p.suppressedViolations ?? []).map((v) => v.ruleName),
    );
    expect(suppressed).toEqual([]);
    for (const synthesized of [full, minimal]) {
      const noisy = synthesized.messages.filter(
        (m) => m.level === "warning" || m.level === "error",
      );
      expect(noisy.map((m) => `${m.level} ${m.id} ${json(m.entry.data)}`)).toEqual([]);
    }
  });

  it("fails the synth on an unacknowledged cdk-nag finding (the pack is wired into the app)", () => {
    const { app, stack } = createApp({
      context: { lambdaAssetDir: assetDir, senderIdentity: SENDER },
      outdir: join(tmp, "canary"),
    });
    new s3.Bucket(stack, "UncheckedBucket");
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});

describe("exec-intel infra: configuration", () => {
  const get = (values: Record<string, unknown>) => (key: string) => values[key];

  it("applies the defaults and resolves a relative asset dir against the cwd", () => {
    const config = readInfraConfig(
      get({ senderIdentity: "example.com", lambdaAssetDir: "out" }),
      "/d",
      "/w",
    );
    expect(config).toEqual({
      lambdaAssetDir: "/w/out",
      senderIdentity: "example.com",
      scheduleExpression: "rate(1 hour)",
      scheduleTimezone: "UTC",
      logRetentionDays: 365,
      stackName: "ExecIntel",
    });
    expect(readInfraConfig(get({ senderIdentity: SENDER }), "/d").lambdaAssetDir).toBe("/d");
  });

  it("rejects a missing or widening identity, a bad time zone, schedule or retention", () => {
    const bad: Record<string, unknown>[] = [
      {},
      { senderIdentity: "*" },
      { senderIdentity: "*@example.com" },
      { senderIdentity: SENDER, replyRecipient: "replies@*" },
      { senderIdentity: SENDER, scheduleTimezone: "Mars/Olympus" },
      { senderIdentity: SENDER, scheduleExpression: "0 6 2 * *" },
      { senderIdentity: SENDER, logRetentionDays: "42" },
    ];
    for (const values of bad) {
      expect(() => readInfraConfig(get(values), "/d"), json(values)).toThrow(InfraConfigError);
    }
  });

  it("refuses an asset dir without index.mjs, naming the fix", () => {
    const empty = join(tmp, "empty-asset");
    mkdirSync(empty, { recursive: true });
    expect(() => createApp({ context: { lambdaAssetDir: empty, senderIdentity: SENDER } })).toThrow(
      /"lambdaAssetDir" is .*empty-asset, which holds no index\.mjs/,
    );
  });
});

describe("exec-intel infra: the real cdk CLI", () => {
  it("cdk synth runs infra/cdk.json's app offline and writes a parseable template", () => {
    const out = join(tmp, "cli-out");
    const home = join(tmp, "cdk-home");
    // A fresh notices cache: the CLI refreshes notices even with --no-notices unless cached.
    mkdirSync(join(home, "cache"), { recursive: true });
    writeFileSync(
      join(home, "cache", "notices.json"),
      JSON.stringify({ expiration: Date.now() + 86_400_000, notices: [] }),
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      // No credentials and no profile: the CLI must not call STS (or IMDS) for a default account.
      if (!key.startsWith("AWS_") && key !== "NODE_ENV") env[key] = value;
    }
    Object.assign(env, {
      CDK_HOME: home,
      CDK_DISABLE_CLI_TELEMETRY: "true",
      CDK_DISABLE_VERSION_CHECK: "true",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: join(tmp, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(tmp, "no-aws-credentials"),
    });
    const started = Date.now();
    const result = spawnSync(
      join(REPO, "node_modules/.bin/cdk"),
      [
        "synth",
        "--no-notices",
        "--quiet",
        "--no-lookups",
        "--output",
        out,
        "-c",
        `lambdaAssetDir=${assetDir}`,
        "-c",
        `senderIdentity=${SENDER}`,
      ],
      { cwd: INFRA, env, encoding: "utf8", timeout: 110_000 },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.info(`cdk synth: exit ${result.status} in ${seconds}s`);

    // The CLI ran the app from infra/cdk.json with our context: the template is there and parses.
    const templatePath = join(out, "ExecIntel.template.json");
    expect(existsSync(templatePath), result.stderr).toBe(true);
    const template = JSON.parse(readFileSync(templatePath, "utf8")) as { Resources: Resources };
    expect(ofType(template.Resources, "AWS::Lambda::Function")).toHaveLength(4);
    expect(existsSync(join(INFRA, "cdk.out"))).toBe(false);
    expect(existsSync(join(INFRA, "cdk.context.json"))).toBe(false);

    // aws-cdk is pinned to 2.1148.1: the registry's 3.0.0 reads cloud-assembly schema 43 at most,
    // and aws-cdk-lib 2.276 writes 55.
    expect(result.status, result.stderr).toBe(0);
  }, 120_000);
});
