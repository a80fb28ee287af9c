ipvsadm -A -t 10.10.0.1:80 -p 0
ipvsadm -A -t 10.10.0.1:80 -p 2678401
ipvsadm -A -t 10.10.0.1:80 -p foo
ipvsadm -A -t 10.10.0.1:80 -p -
ipvsadm -A -t 10.10.0.1:80 -M 255.0.0.0
ipvsadm -A -t 10.10.0.1:80 -p -M nohost.invalid
