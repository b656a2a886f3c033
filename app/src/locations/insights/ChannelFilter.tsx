/** The channel filter beside group and window: every channel with figures in the window. */
import { Field, Select } from '@zendeskgarden/react-forms';
import { channelLabel } from '../../features/insights/panels';
import { useI18n } from '../../i18n';

export function ChannelFilter({ value, channels, onChange }: { value: string | null; channels: string[]; onChange: (channel: string | null) => void }) {
  const i18n = useI18n();
  // A chosen channel stays listed even when the window has nothing for it any more.
  const options = value !== null && !channels.includes(value) ? [...channels, value] : channels;
  return (
    <Field>
      <Field.Label>{i18n.t('team.channel')}</Field.Label>
      <Select value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} data-testid="channel-select">
        <option value="">{i18n.t('team.allChannels')}</option>
        {options.map((c) => (
          <option key={c} value={c}>
            {channelLabel(i18n, c)}
          </option>
        ))}
      </Select>
    </Field>
  );
}
