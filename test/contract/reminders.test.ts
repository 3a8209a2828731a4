import { describeOnEveryStore } from '../helpers/stores.ts';
import { reminderContract } from './reminders.contract.ts';

describeOnEveryStore('next-need reminders', reminderContract);
