import { RemovalPolicy } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface PaymentWebhookSecretProps {
  /** A secret the operator already keeps (its complete ARN); the stack then creates none. */
  readonly existingSecretArn?: string;
  readonly ephemeral: boolean;
}

/**
 * The payment provider's callback signing secret, in Secrets Manager. The stack
 * creates it with a random value so that a fresh deploy is never signed with a
 * known one; the operator then stores the provider's value in it (README,
 * "Deploy to AWS"). It outlives the stack unless the stage is ephemeral, since
 * the provider keeps signing with it.
 */
export class PaymentWebhookSecret extends Construct {
  readonly secret: ISecret;
  /** The secret this stack created; undefined when it was given one. */
  readonly createdSecret?: Secret;

  constructor(scope: Construct, id: string, props: PaymentWebhookSecretProps) {
    super(scope, id);
    if (props.existingSecretArn !== undefined) {
      this.secret = Secret.fromSecretCompleteArn(this, 'Secret', props.existingSecretArn);
      return;
    }
    this.createdSecret = new Secret(this, 'Secret', {
      description: "Signing secret of the payment provider's callbacks (X-Payment-Signature, HMAC-SHA256). Replace the generated value with the provider's.",
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.secret = this.createdSecret;
  }
}
