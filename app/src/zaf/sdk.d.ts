declare module 'zendesk_app_framework_sdk' {
  import type { ZafStatic } from './types';
  const ZAFClient: ZafStatic;
  export default ZAFClient;
}
