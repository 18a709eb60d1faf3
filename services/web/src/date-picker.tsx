// Mantine's date picker and its styles: a chunk of its own, loaded when a date field first shows.
import { DatePickerInput } from '@mantine/dates';
import '@mantine/dates/styles.layer.css';

export default DatePickerInput;
