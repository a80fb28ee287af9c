ipvsadm -A -t 10.10.0.1:80
ipvsadm -A -u 10.10.0.1:80
ipvsadm -L -n -u 10.10.0.1:80
ipvsadm -L -n -t 10.10.0.1
ipvsadm -L -n -f 1
ipvsadm -L -n -t 10.10.0.1:80 --stats --exact
ipvsadm -L -n -t 10.10.0.1:80 --timeout
ipvsadm -L -t 10.10.0.1:http
