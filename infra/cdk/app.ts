import { createTicketingApp } from './ticketing-app';

createTicketingApp().app.synth();
