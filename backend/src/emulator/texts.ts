/** Canned subjects and comment bodies: enough variety to look like a real queue. */
import type { Random } from './random.js';

const SUBJECTS: Record<'support' | 'billing', string[]> = {
  support: [
    'Cannot log in after password reset',
    'Export to CSV is missing columns',
    'Mobile app crashes on startup',
    'How do I add a new team member?',
    'Sync with calendar stopped working',
    'Error 500 when saving a report',
    'Notifications arrive twice',
    'Feature request: dark mode',
    'Two-factor codes are not accepted',
    'Dashboard is very slow today',
    'Attachment upload fails over 10 MB',
    'Where can I change my email address?',
  ],
  billing: [
    'Charged twice this month',
    'Please send an invoice with our VAT number',
    'Refund for unused seats',
    'Upgrade from Team to Business plan',
    'Card declined but the bank says it is fine',
    'Cancel my subscription',
    'Question about annual pricing',
    'Update billing contact',
  ],
};

const REQUESTS = [
  'Hi, {subject}. Could you take a look? Thanks.',
  'Hello team, {subject}. This is blocking us today.',
  'Hi there, quick question: {subject}.',
  'Good morning, {subject}. Screenshots attached.',
];
const AGENT_REPLIES = [
  'Thanks for reaching out! Could you tell me which browser and version you are using?',
  'I have looked into this and applied a fix on our side. Can you try again?',
  'Thanks for the details. I have passed this to our engineers and will update you shortly.',
  'This is now sorted. Let us know if anything else comes up.',
  'Could you send the account email this concerns, so I can check?',
  'I have issued the correction; you should see it within one business day.',
];
const CUSTOMER_REPLIES = [
  'Thanks, here is the information you asked for.',
  'I tried again and it still does not work.',
  'That worked, thank you!',
  'Sorry, one more thing about this.',
  'Any update on this?',
];
const NOTES = [
  'Checked the logs: looks like the known sync issue.',
  'Customer is on the legacy plan; see the account notes.',
  'Reassigning: this needs billing access.',
  'Reproduced on staging.',
];
const OUTBOUND = [
  'Hi, we noticed failed payments on your account. Could you confirm your card details?',
  'Hello, following up on our call: here are the steps we discussed.',
  'Hi, your trial ends next week. Would you like help choosing a plan?',
];
const RATING_COMMENTS = { good: ['Quick and friendly, thanks!', 'Great help.', 'Solved my problem.'], bad: ['Took too long.', 'Problem not really solved.', 'Had to explain twice.'] };

export const texts = {
  subject: (rng: Random, kind: 'support' | 'billing') => rng.pick(SUBJECTS[kind]),
  request: (rng: Random, subject: string) => rng.pick(REQUESTS).replace('{subject}', subject.charAt(0).toLowerCase() + subject.slice(1)),
  agentReply: (rng: Random) => rng.pick(AGENT_REPLIES),
  customerReply: (rng: Random) => rng.pick(CUSTOMER_REPLIES),
  note: (rng: Random) => rng.pick(NOTES),
  outbound: (rng: Random) => rng.pick(OUTBOUND),
  ratingComment: (rng: Random, score: 'good' | 'bad') => rng.pick(RATING_COMMENTS[score]),
};
