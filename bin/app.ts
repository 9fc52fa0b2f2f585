#!/usr/bin/env node
/**
 * The deployable example app: one stack per environment in cdk.json's `environments` context
 * (`ScalingArchitecture-Dev`, `-Staging`, `-Prod`), each checked by cdk-nag's AwsSolutions pack.
 *
 *   npx cdk synth                            # all environments
 *   npx cdk deploy ScalingArchitecture-Prod  # one
 */
import { createApp } from './environments';

createApp({ useCliEnvironment: true }).synth();
