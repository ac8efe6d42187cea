import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, buildServices } from './app/App';
import { selectTransport } from './transport/select';
import './styles.css';

// Chosen before React renders: the host token must leave the URL before the router reads it.
const services = buildServices(selectTransport());

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks #root');
createRoot(container).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
