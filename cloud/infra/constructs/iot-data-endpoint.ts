/**
 * The account's `iot:Data-ATS` endpoint, looked up at deploy time (AWS advises publishing to the
 * account's own endpoint; the SDK's regional default is not it). A context value
 * (`-c iotDataEndpoint=…`) skips the lookup.
 */
import { PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { deployTimeCall } from './deploy-time-call.ts';

export class IotDataEndpoint extends Construct {
  /** `https://{prefix}-ats.iot.{region}.amazonaws.com` */
  readonly url: string;

  constructor(scope: Construct, id: string, given?: string) {
    super(scope, id);
    if (given) {
      this.url = `https://${given}`;
      return;
    }
    const lookup = deployTimeCall(
      this,
      'Lookup',
      {
        service: 'Iot',
        action: 'describeEndpoint',
        parameters: { endpointType: 'iot:Data-ATS' },
        physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
      },
      'iot:DescribeEndpoint supports no resource-level permission; it is read-only.',
    );
    this.url = `https://${lookup.getResponseField('endpointAddress')}`;
  }
}
