import { existsSync } from "node:fs";
import { join } from "node:path";
import * as cdk from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as sources from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as ses from "aws-cdk-lib/aws-ses";
import * as sesActions from "aws-cdk-lib/aws-ses-actions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { DEFAULTS, InfraConfigError } from "./config.js";

/** The three areas of the one data bucket; each role's IAM policy is scoped to its prefixes. */
export const PREFIXES = {
  workspace: "workspace/",
  archive: "archive/",
  inbound: "inbound/",
} as const;

/**
 * Item-level DynamoDB actions, granted on the table ARN only: no Scan, no table-level or
 * stream actions (the single-table design reads by key and by `pk` query).
 */
export const TABLE_ITEM_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/** The EventBridge detail-types of the SES events the configuration set publishes. */
export const SES_EVENT_DETAIL_TYPES = [
  "Email Sent",
  "Email Delivered",
  "Email Bounced",
  "Email Complaint Received",
  "Email Rejected",
  "Email Delivery Delayed",
] as const;

export interface ExecIntelStackProps extends cdk.StackProps {
  /** Directory of the esbuild bundle; must hold `index.mjs`. */
  readonly lambdaAssetDir: string;
  /** Verified SES identity (address or domain) the reports are sent from. */
  readonly senderIdentity: string;
  /** Address or domain SES receives replies for. Absent: no receiving resources. */
  readonly replyRecipient?: string;
  /**
   * How often the scheduled function looks for due periods; each tenant's own schedule in the
   * workspace decides what is due, and waiting runs are retried on the next look.
   * @default "rate(1 hour)"
   */
  readonly scheduleExpression?: string;
  /** @default "UTC" */
  readonly scheduleTimezone?: string;
  /** Retention of the functions' log groups and of the S3 access logs. @default ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default 10 minutes (at most 15) */
  readonly workerTimeout?: cdk.Duration;
  /** @default 1536 MB */
  readonly workerMemorySize?: number;
}

interface FunctionSpec {
  readonly handler: "scheduled" | "worker" | "sesEvents" | "inbound";
  readonly description: string;
  readonly timeout: cdk.Duration;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  /** Asynchronously invoked functions send events they finally failed on here. */
  readonly asyncFailureQueue?: sqs.IQueue;
}

/** The role every function here is built with (never undefined: makeFunction passes one). */
function roleOf(fn: lambda.Function): iam.IRole {
  if (fn.role === undefined) throw new Error(`infra: ${fn.node.path} has no role`);
  return fn.role;
}

/**
 * exec-intel on AWS, serverless: a monthly EventBridge schedule starts `scheduled`, which queues
 * one job per report on SQS; `worker` builds, archives (create-only, under archive/) and emails
 * each report through SES; SES events reach `sesEvents` and replies reach `inbound`.
 */
export class ExecIntelStack extends cdk.Stack {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly workQueue: sqs.Queue;
  readonly configurationSet: ses.ConfigurationSet;
  readonly functions: Readonly<Record<FunctionSpec["handler"], lambda.Function>>;
  /** The workspace's secrets as one JSON object (NAME: value), read by worker and inbound. */
  readonly workspaceSecrets: secretsmanager.Secret;

  private readonly code: lambda.Code;
  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: ExecIntelStackProps) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy (not the LogDeliveryWrite ACL, which
    // an ACL-less BucketOwnerEnforced bucket cannot take). Set here, before any child exists, so
    // the stack does not depend on the app's cdk.json.
    this.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

    if (!existsSync(join(props.lambdaAssetDir, "index.mjs"))) {
      throw new InfraConfigError(
        "lambdaAssetDir",
        `is ${props.lambdaAssetDir}, which holds no index.mjs`,
        "Build the Lambda bundle into dist-lambda/ first (esbuild), or pass -c lambdaAssetDir=<dir holding index.mjs>.",
      );
    }
    this.code = lambda.Code.fromAsset(props.lambdaAssetDir);
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const workerTimeout = props.workerTimeout ?? cdk.Duration.minutes(10);
    if (workerTimeout.toSeconds() > 900) {
      throw new Error("infra: workerTimeout is at most 15 minutes (the Lambda limit).");
    }

    // --- State: one table, one bucket -------------------------------------------------------

    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: "expiresAt",
      deletionProtection: true,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });

    const accessLogs = new s3.Bucket(this, "AccessLogBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED, // log delivery cannot write SSE-KMS targets
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
      lifecycleRules:
        this.logRetention === logs.RetentionDays.INFINITE
          ? []
          : [{ id: "expire-access-logs", expiration: cdk.Duration.days(this.logRetention) }],
    });
    cdk.Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This is the server-access-log target of the data bucket; logging it would log its own log deliveries.",
    });

    // Object Lock is NOT enabled: the bucket also holds the mutable workspace/ and inbound/ data,
    // and a bucket-wide default retention would lock those too. Archived reports are immutable
    // against the app instead: the worker writes them create-only (PutObject If-None-Match: *),
    // no role here has any s3:Delete* action, and versioning keeps a prior version should a
    // PutObject ever omit the condition. If the archive must also be immune to administrators,
    // move it to its own bucket with Object Lock in COMPLIANCE mode.
    this.bucket = new s3.Bucket(this, "DataBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      enforceSSL: true,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "data-bucket/",
      lifecycleRules: [
        {
          id: "abort-incomplete-uploads",
          abortIncompleteMultipartUploadAfter: cdk.Duration.days(7),
        },
        {
          id: "workspace-old-versions",
          prefix: PREFIXES.workspace,
          noncurrentVersionExpiration: cdk.Duration.days(90),
        },
      ],
    });

    // --- Queues ------------------------------------------------------------------------------

    const queueDefaults = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    } satisfies sqs.QueueProps;

    const workDlq = new sqs.Queue(this, "WorkDlq", {
      ...queueDefaults,
      retentionPeriod: cdk.Duration.days(14),
    });
    this.workQueue = new sqs.Queue(this, "WorkQueue", {
      ...queueDefaults,
      // AWS's rule for a Lambda event source: at least 6x the function timeout, so a message is
      // not redelivered while the first attempt (and its retries inside the batch) still runs.
      visibilityTimeout: cdk.Duration.seconds(workerTimeout.toSeconds() * 6),
      retentionPeriod: cdk.Duration.days(4),
      deadLetterQueue: { queue: workDlq, maxReceiveCount: 3 },
    });

    // One place for everything an asynchronous hop finally failed to deliver or process: the
    // schedule's invocation of `scheduled`, the SES-event rule's invocation of `sesEvents`, and
    // the async invocations (scheduler, EventBridge, SES receiving) the functions failed on.
    const invocationDlq = new sqs.Queue(this, "InvocationDlq", {
      ...queueDefaults,
      retentionPeriod: cdk.Duration.days(14),
    });
    cdk.Validations.of(invocationDlq).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself a dead-letter queue (Scheduler DeadLetterConfig, EventBridge target DLQ, Lambda async DLQ); nothing consumes it automatically.",
    });

    // --- SES sending -------------------------------------------------------------------------

    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Events go to the EventBridge default bus, not SNS: no topic to encrypt (SES cannot publish
    // to a topic under the AWS-managed SNS key, so SNS would need a customer key and key policy),
    // and the rule below filters, retries and dead-letters on its own.
    this.configurationSet.addEventDestination("ToEventBridge", {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, "DefaultBus", "default"),
      ),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
      ],
    });

    // --- Secrets ---------------------------------------------------------------------------

    // The workspace's secrets (what its .env holds locally: the reply-token secret, source
    // credentials) as one JSON object of NAME: value, filled in by hand after deploy; the
    // worker and inbound functions read it at cold start. Never in a plain environment variable.
    this.workspaceSecrets = new secretsmanager.Secret(this, "WorkspaceSecrets", {
      description: "exec-intel: the workspace's environment variables, as a JSON object",
      // Starts as an empty object, not a generated password: the functions read it as JSON.
      secretObjectValue: {},
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    cdk.Validations.of(this.workspaceSecrets).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Holds third-party credentials (the reply-token secret, source API keys) that exec-intel cannot rotate; their owners rotate them.",
    });

    // --- Functions ---------------------------------------------------------------------------

    const environment = {
      EXEC_INTEL_TABLE: this.table.tableName,
      EXEC_INTEL_BUCKET: this.bucket.bucketName,
      EXEC_INTEL_WORKSPACE_PREFIX: PREFIXES.workspace,
      EXEC_INTEL_ARCHIVE_PREFIX: PREFIXES.archive,
      EXEC_INTEL_INBOUND_PREFIX: PREFIXES.inbound,
      EXEC_INTEL_SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      EXEC_INTEL_FROM: props.senderIdentity,
      EXEC_INTEL_SECRETS_ARN: this.workspaceSecrets.secretArn,
    };

    const scheduled = this.makeFunction("Scheduled", {
      handler: "scheduled",
      description: "exec-intel: monthly run; reads the workspace and queues one job per report",
      timeout: cdk.Duration.minutes(2),
      memorySize: 512,
      environment: { ...environment, EXEC_INTEL_QUEUE_URL: this.workQueue.queueUrl },
      asyncFailureQueue: invocationDlq,
    });
    const worker = this.makeFunction("Worker", {
      handler: "worker",
      description: "exec-intel: builds, archives and emails one report per queued job",
      timeout: workerTimeout,
      memorySize: props.workerMemorySize ?? 1536,
      environment,
    });
    const sesEvents = this.makeFunction("SesEvents", {
      handler: "sesEvents",
      description: "exec-intel: records SES send/delivery/bounce/complaint/reject/delay events",
      timeout: cdk.Duration.seconds(30),
      memorySize: 256,
      environment,
      asyncFailureQueue: invocationDlq,
    });
    const inbound = this.makeFunction("Inbound", {
      handler: "inbound",
      description: "exec-intel: reads replies SES stored under inbound/",
      timeout: cdk.Duration.minutes(1),
      memorySize: 512,
      environment,
      asyncFailureQueue: invocationDlq,
    });
    this.functions = { scheduled, worker, sesEvents, inbound };

    worker.addEventSource(
      new sources.SqsEventSource(this.workQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
      }),
    );

    // --- Least-privilege policies ------------------------------------------------------------

    const bucketArn = this.bucket.bucketArn;
    const objects = (prefix: string) => this.bucket.arnForObjects(`${prefix}*`);
    const listUnder = (sid: string, ...prefixes: string[]) =>
      new iam.PolicyStatement({
        sid,
        actions: ["s3:ListBucket"],
        resources: [bucketArn],
        conditions: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
      });
    const tableItems = new iam.PolicyStatement({
      sid: "TableItems",
      actions: [...TABLE_ITEM_ACTIONS],
      resources: [this.table.tableArn],
    });
    const identityArn = this.formatArn({
      service: "ses",
      resource: "identity",
      resourceName: props.senderIdentity,
    });
    const configurationSetArn = this.formatArn({
      service: "ses",
      resource: "configuration-set",
      resourceName: this.configurationSet.configurationSetName,
    });

    // scheduled: read the workspace, queue jobs.
    scheduled.addToRolePolicy(listUnder("ListWorkspace", PREFIXES.workspace));
    scheduled.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "ReadWorkspace",
        actions: ["s3:GetObject"],
        resources: [objects(PREFIXES.workspace)],
      }),
    );
    // The schedule store (first-seen marks, claims) decides what is due.
    scheduled.addToRolePolicy(tableItems);
    scheduled.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "QueueJobs",
        actions: ["sqs:SendMessage"],
        resources: [this.workQueue.queueArn],
      }),
    );

    // worker: read the workspace, write and read the archive (the S3 archive lists its own
    // prefix too), keep state in the table, send through SES as the one identity.
    worker.addToRolePolicy(
      listUnder("ListWorkspaceAndArchive", PREFIXES.workspace, PREFIXES.archive),
    );
    worker.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "ReadWorkspace",
        actions: ["s3:GetObject"],
        resources: [objects(PREFIXES.workspace)],
      }),
    );
    worker.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "WriteArchive",
        actions: ["s3:PutObject", "s3:GetObject"],
        resources: [objects(PREFIXES.archive)],
      }),
    );
    worker.addToRolePolicy(tableItems);
    worker.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "SendAsIdentity",
        actions: ["ses:SendEmail", "ses:SendRawEmail"],
        resources: [identityArn, configurationSetArn],
      }),
    );
    // The SES transport reads the account's send quota (sesv2 GetAccount) to pace itself. The
    // action has no resource type: IAM only authorizes it on "*". Read-only.
    worker.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "ReadSendQuota",
        actions: ["ses:GetAccount"],
        resources: ["*"],
      }),
    );

    // sesEvents: the table only.
    sesEvents.addToRolePolicy(tableItems);

    // inbound: read stored replies, record them.
    inbound.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "ReadInbound",
        actions: ["s3:GetObject"],
        resources: [objects(PREFIXES.inbound)],
      }),
    );
    inbound.addToRolePolicy(tableItems);
    // The workspace's config names the secret that verifies reply tokens. Listing exactly these
    // two keys makes S3 answer 404 (not 403) for a workspace without a .env.
    inbound.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "ListWorkspaceConfig",
        actions: ["s3:ListBucket"],
        resources: [bucketArn],
        conditions: {
          StringEquals: {
            "s3:prefix": [`${PREFIXES.workspace}exec-intel.yaml`, `${PREFIXES.workspace}.env`],
          },
        },
      }),
    );
    inbound.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "ReadWorkspaceConfig",
        actions: ["s3:GetObject"],
        resources: [
          this.bucket.arnForObjects(`${PREFIXES.workspace}exec-intel.yaml`),
          this.bucket.arnForObjects(`${PREFIXES.workspace}.env`),
        ],
      }),
    );
    // scheduled reads the config too, whose ${VAR}s may name the workspace's secrets.
    this.workspaceSecrets.grantRead(scheduled);
    this.workspaceSecrets.grantRead(worker);
    this.workspaceSecrets.grantRead(inbound);

    // cdk-nag reports one IAM5 finding per wildcard resource, on each role's DefaultPolicy;
    // acknowledging on the role covers its policy, and only for exactly these resources.
    const bucketRef = `Resource::<${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const prefixReason = (what: string) =>
      `${what}: a prefix of the one data bucket can only be named with a trailing "*" (s3:GetObject/PutObject have no prefix condition key); the actions are listed, none is a wildcard.`;
    const acknowledgeIam5 = (fn: lambda.Function, finding: string, reason: string) =>
      cdk.Validations.of(roleOf(fn)).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    acknowledgeIam5(
      scheduled,
      `${bucketRef}/${PREFIXES.workspace}*`,
      prefixReason("GetObject on workspace/"),
    );
    acknowledgeIam5(
      worker,
      `${bucketRef}/${PREFIXES.workspace}*`,
      prefixReason("GetObject on workspace/"),
    );
    acknowledgeIam5(
      worker,
      `${bucketRef}/${PREFIXES.archive}*`,
      prefixReason("PutObject/GetObject on archive/"),
    );
    acknowledgeIam5(
      worker,
      "Resource::*",
      "ses:GetAccount (read the send quota) has no resource type; IAM only authorizes it on Resource '*'. It is the only action of that statement.",
    );
    acknowledgeIam5(
      inbound,
      `${bucketRef}/${PREFIXES.inbound}*`,
      prefixReason("GetObject on inbound/"),
    );

    // --- Monthly schedule --------------------------------------------------------------------

    const schedulerRole = new iam.Role(this, "SchedulerRole", {
      description: "EventBridge Scheduler: invoke the exec-intel scheduled function",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": cdk.Aws.ACCOUNT_ID } },
      }),
    });
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "InvokeScheduled",
        actions: ["lambda:InvokeFunction"],
        resources: [scheduled.functionArn],
      }),
    );
    // Scheduler delivers to its dead-letter queue with this same role.
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "DeadLetter",
        actions: ["sqs:SendMessage"],
        resources: [invocationDlq.queueArn],
      }),
    );
    // The L1 resource rather than the L2 Schedule: the L2 Lambda target grants invoke on
    // "<function>:*" as well, and builds its own role; here the role is exactly the two lines above.
    const schedule = new scheduler.CfnSchedule(this, "MonthlySchedule", {
      description: "exec-intel monthly reports",
      scheduleExpression: props.scheduleExpression ?? DEFAULTS.scheduleExpression,
      scheduleExpressionTimezone: props.scheduleTimezone ?? DEFAULTS.scheduleTimezone,
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: {
        arn: scheduled.functionArn,
        roleArn: schedulerRole.roleArn,
        // The scheduled time, not the invocation time, decides the period: a retried or late
        // invocation still reports the same month.
        input: JSON.stringify({
          source: "exec-intel.schedule",
          scheduledTime: "<aws.scheduler.scheduled-time>",
        }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 6 * 3600 },
        deadLetterConfig: { arn: invocationDlq.queueArn },
      },
    });
    schedule.node.addDependency(schedulerRole);

    // --- SES events -> sesEvents -------------------------------------------------------------

    new events.Rule(this, "SesEventsRule", {
      description: "exec-intel: SES sending events of this configuration set -> sesEvents",
      eventPattern: {
        source: ["aws.ses"],
        detailType: [...SES_EVENT_DETAIL_TYPES],
        // SES tags every event it publishes through a configuration set with its name; other
        // configuration sets of the account publish to the same default bus.
        detail: {
          mail: { tags: { "ses:configuration-set": [this.configurationSet.configurationSetName] } },
        },
      },
      targets: [
        new targets.LambdaFunction(sesEvents, {
          retryAttempts: 10,
          maxEventAge: cdk.Duration.hours(24),
          deadLetterQueue: invocationDlq,
        }),
      ],
    });

    // --- SES receiving (optional) ------------------------------------------------------------

    let ruleSet: ses.ReceiptRuleSet | undefined;
    if (props.replyRecipient !== undefined) {
      // NOTE: CloudFormation creates the rule set but cannot make it the account's ACTIVE one
      // (only one is active per region). After the first deploy, activate it by hand:
      //   aws ses set-active-receipt-rule-set --rule-set-name <ReceiptRuleSetName output>
      // SES receiving also needs an MX record for the domain, in a region that receives mail.
      ruleSet = new ses.ReceiptRuleSet(this, "ReplyRuleSet");
      ruleSet.addRule("StoreAndNotify", {
        recipients: [props.replyRecipient],
        scanEnabled: true,
        tlsPolicy: ses.TlsPolicy.REQUIRE,
        // In order: store the raw message as inbound/<messageId> (the action adds the bucket
        // policy for ses.amazonaws.com on inbound/* only), then invoke `inbound` asynchronously
        // with the SES notification, whose mail.messageId names the object. A rule action, not
        // an S3 event notification, so no notification custom resource (and its "*" policy).
        actions: [
          new sesActions.S3({ bucket: this.bucket, objectKeyPrefix: PREFIXES.inbound }),
          new sesActions.Lambda({
            function: inbound,
            invocationType: sesActions.LambdaInvocationType.EVENT,
          }),
        ],
      });
    }

    // --- Outputs -----------------------------------------------------------------------------

    new cdk.CfnOutput(this, "TableName", { value: this.table.tableName });
    new cdk.CfnOutput(this, "BucketName", { value: this.bucket.bucketName });
    new cdk.CfnOutput(this, "QueueUrl", { value: this.workQueue.queueUrl });
    new cdk.CfnOutput(this, "ScheduledFunctionName", {
      value: this.functions.scheduled.functionName,
      description: "Invoke it to look for due months now (docs/deploy.md)",
    });
    new cdk.CfnOutput(this, "WorkspaceSecretsArn", {
      value: this.workspaceSecrets.secretArn,
      description: "Put the workspace's .env values here as a JSON object",
    });
    new cdk.CfnOutput(this, "ConfigurationSetName", {
      value: this.configurationSet.configurationSetName,
    });
    if (ruleSet !== undefined) {
      new cdk.CfnOutput(this, "ReceiptRuleSetName", {
        value: ruleSet.receiptRuleSetName,
        description: "Activate by hand: aws ses set-active-receipt-rule-set --rule-set-name <this>",
      });
    }
  }

  /** One function with its own role (no managed policy) and its own log group. */
  private makeFunction(id: string, spec: FunctionSpec): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: this.logRetention,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, `${id}Role`, {
      description: `exec-intel ${spec.handler} function`,
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    const fn = new lambda.Function(this, id, {
      description: spec.description,
      // nodejs24.x, the latest: nodejs20.x is deprecated (creation blocked from 2027-02-01); the
      // bundle is built for Node 20, which Node 24 runs as is.
      runtime: lambda.Runtime.NODEJS_24_X,
      // x86_64: the chart renderer (resvg) is a native module, and the bundle ships the binding
      // of the machine that builds it; build machines here are x86_64.
      architecture: lambda.Architecture.X86_64,
      code: this.code,
      handler: `index.${spec.handler}`,
      role,
      logGroup,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      environment: spec.environment,
      ...(spec.asyncFailureQueue !== undefined
        ? {
            deadLetterQueue: spec.asyncFailureQueue,
            retryAttempts: 2,
            maxEventAge: cdk.Duration.hours(6),
          }
        : {}),
    });
    return fn;
  }
}
