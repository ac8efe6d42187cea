import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { App, buildServices } from './app/App';
import { selectTransport } from './transport/select';
import { theme } from './ui/theme';
// After Mantine's, so the app's few own rules (canvas, layout) win over the library's defaults.
import './styles.css';

// Chosen before React renders: the host token must leave the URL before the router reads it.
const services = buildServices(selectTransport());

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks #root');
createRoot(container).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="bottom-right" limit={4} />
      <App services={services} />
    </MantineProvider>
  </StrictMode>,
);
