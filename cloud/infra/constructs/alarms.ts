/**
 * Operational alarms, all sent to one operator topic: any Lambda error or throttle, any 5xx the
 * HTTP API answered (the app turns exceptions into 500s, so the Lambda reports no error), and any
 * message in a dead-letter queue (a press or an order event that every retry failed to deliver).
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  functions: Record<string, IFunction>;
  /** Alarm name → queue and what a message in it means. */
  deadLetters: Record<string, [IQueue, string]>;
  /** Alarm name → any other metric (summed over 5 minutes) that must stay at zero. */
  others?: Record<string, [IMetric, string]>;
  topic: ITopic;
}

export class Alarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const alarmOn = (name: string, metric: IMetric, description: string) => {
      const alarm = new Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };
    const period = Duration.minutes(5);
    for (const [name, fn] of Object.entries(props.functions)) {
      alarmOn(`${name}Errors`, fn.metricErrors({ period }), `${name} Lambda raised errors`);
      alarmOn(`${name}Throttles`, fn.metricThrottles({ period }), `${name} Lambda was throttled`);
    }
    for (const [name, [metric, description]] of Object.entries(props.others ?? {})) {
      alarmOn(name, metric, description);
    }
    for (const [name, [queue, description]] of Object.entries(props.deadLetters)) {
      alarmOn(
        name,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        description,
      );
    }
  }
}
