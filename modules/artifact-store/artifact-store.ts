import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
import { StackEnv } from "../core/stack-env";
import { IRoleGrantee } from "../iam/grantee";
import { keyPolicy } from "../kms/key-policy";

export interface ArtifactStoreProps {
  /** Prefix of the bucket name (at most 37 characters; Terraform appends a unique suffix). */
  readonly bucketPrefix: string;
  /** KMS alias name without `alias/`. */
  readonly keyAlias: string;
  /** Tags of the bucket and key. @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
  /** This account (token); names the key's own account in an explicit key policy. */
  /**
   * Accounts whose cross-account deploy roles read artifacts: the key lets them decrypt and
   * the bucket lets them read objects. Their roles still need the same in their own IAM.
   * @default - none: AWS's default key policy, this account only
   */
  readonly deployAccounts?: readonly string[];
}

/** Where pipelines keep their artifacts: a bucket and the KMS key that encrypts them. */
export interface IArtifactStore {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** The ARN of the KMS key that encrypts the artifacts. */
  readonly keyArn: string;
  /** Read and write pipeline artifacts: objects in this bucket, and this key only. */
  grantReadWrite(grantee: IRoleGrantee): void;
  /** Encrypt and decrypt with the artifact key (also protects the deploy-token secret). */
  grantKeyUse(grantee: IRoleGrantee): void;
}

/** An existing artifact bucket and key, by ARN. */
export interface ArtifactStoreAttributes {
  /** ARN of the bucket (`arn:<partition>:s3:::<name>`). */
  readonly bucketArn: string;
  /** ARN of the customer-managed KMS key that encrypts the artifacts. */
  readonly keyArn: string;
}

/** The grants every artifact store offers, created or imported. */
abstract class ArtifactStoreBase extends Construct implements IArtifactStore {
  abstract readonly bucketName: string;
  abstract readonly bucketArn: string;
  abstract readonly keyArn: string;

  grantReadWrite(grantee: IRoleGrantee): void {
    grantee.addGrant({
      sid: "ArtifactObjects",
      actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
      resources: [`${this.bucketArn}/*`],
    });
    grantee.addGrant({
      sid: "ArtifactBucket",
      actions: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
      resources: [this.bucketArn],
    });
    this.grantKeyUse(grantee);
  }

  grantKeyUse(grantee: IRoleGrantee): void {
    grantee.addGrant({
      sid: "ArtifactKey",
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
      resources: [this.keyArn],
    });
  }
}

/**
 * The pipelines' artifact bucket and its customer-managed KMS key: versioned, public access
 * blocked, TLS only, bucket-owner-enforced, both retained (prevent_destroy) because the
 * artifacts are the record of what was deployed.
 */
export class ArtifactStore extends ArtifactStoreBase {
  /**
   * An existing bucket and key, by ARN: pipelines and builds are granted on them, and
   * nothing about them is managed here (their encryption, TLS-only policy and public
   * access block are the owner's to keep).
   */
  static fromAttributes(scope: Construct, id: string, attrs: ArtifactStoreAttributes): IArtifactStore {
    return new ImportedArtifactStore(scope, id, attrs);
  }

  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: ArtifactStoreProps) {
    super(scope, id);
    const readers = [...new Set(props.deployAccounts ?? [])].sort().map((account) => StackEnv.of(this).arn("iam", "root", { region: "", account }));
    // Without other accounts the key keeps AWS's default policy, so existing stacks see no change.
    const policy =
      readers.length > 0
        ? keyPolicy(this, "KeyPolicy", [
            {
              sid: "DeployAccountsDecrypt",
              effect: "Allow",
              principals: [{ type: "AWS", identifiers: readers }],
              actions: ["kms:Decrypt", "kms:DescribeKey"],
              resources: ["*"],
            },
          ])
        : undefined;
    this.key = new KmsKey(this, "Key", {
      description: `Encrypts the CodePipeline artifacts in ${props.bucketPrefix}*`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy?.json,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, "KeyAlias", { name: `alias/${props.keyAlias}`, targetKeyId: this.key.keyId });

    this.bucket = new S3Bucket(this, "Resource", {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: false,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "Ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    const tlsOnly = new DataAwsIamPolicyDocument(this, "TlsOnlyPolicy", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        ...(readers.length > 0
          ? [
              {
                sid: "DeployAccountsReadArtifacts",
                effect: "Allow",
                principals: [{ type: "AWS", identifiers: readers }],
                actions: ["s3:GetObject", "s3:GetObjectVersion"],
                resources: [`${this.bucket.arn}/*`],
              },
              {
                sid: "DeployAccountsLocateBucket",
                effect: "Allow",
                principals: [{ type: "AWS", identifiers: readers }],
                actions: ["s3:GetBucketLocation"],
                resources: [this.bucket.arn],
              },
            ]
          : []),
      ],
    });
    new S3BucketPolicy(this, "Policy", { bucket: this.bucket.id, policy: tlsOnly.json });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.keyArn = this.key.arn;
  }
}

/** An existing bucket and key. */
class ImportedArtifactStore extends ArtifactStoreBase {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, attrs: ArtifactStoreAttributes) {
    super(scope, id);
    this.bucketArn = attrs.bucketArn;
    this.keyArn = attrs.keyArn;
    if (Token.isUnresolved(attrs.bucketArn)) {
      this.bucketName = Fn.element(Fn.split(":::", attrs.bucketArn), 1);
    } else {
      const name = /^arn:[a-z-]+:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/.exec(attrs.bucketArn)?.[1];
      if (!name)
        throw new ConstructError(
          this,
          `bucketArn ${JSON.stringify(attrs.bucketArn)} is not a bucket ARN; write "arn:<partition>:s3:::<bucket name>" (partition: aws, aws-cn, aws-us-gov, …)`,
        );
      this.bucketName = name;
    }
  }
}
